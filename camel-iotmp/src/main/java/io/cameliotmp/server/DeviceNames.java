package io.cameliotmp.server;

import io.cameliotmp.protocol.IotmpMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bound on the names a device sends the server's services ({@code maxNameLength}): topics and topic filters,
 * events and properties of its streams, and the targets of its calls. Checked before a name is looked up, kept with a
 * stream or handed to a route, so that what a device makes the server hold per stream or per call, and the work each
 * publication costs in matching its topic, do not grow with the frame size. A longer name is answered with ERROR 400,
 * counted in {@code iotmp.quota.refusals{quota=name-length}} and logged within the refusal log's rate limit; the name
 * itself is neither echoed nor logged. A name with a control character is refused alike ({@code name-invalid}): these
 * names reach routes as headers (the resource, the topic), and a line break in one would let a device write lines of
 * its own into any log that shows them.
 */
final class DeviceNames {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceNames.class);

    private DeviceNames() {
    }

    /**
     * Whether {@code name} is within {@code maxNameLength}; when it is not, the request has been refused.
     *
     * @param what what the name names, for the answer and the log ("topic", "property", …)
     */
    static boolean accepted(DeviceConnection connection, IotmpMessage request, String what, String name) {
        SessionContext context = connection.context();
        int max = context.config().quotas().maxNameLength();
        if (name == null || name.length() <= max && !hasControlCharacter(name)) {
            return true;
        }
        QuotaExceededException.Quota refused;
        String message;
        if (name.length() > max) {
            refused = QuotaExceededException.Quota.NAME_LENGTH;
            message = what + " name of " + name.length() + " characters, more than the " + max + " allowed";
        } else {
            refused = QuotaExceededException.Quota.NAME_INVALID;
            message = what + " name with a control character";
        }
        context.metrics().quotaExceeded(refused);
        context.refusalLog().quota(LOG, connection.deviceIdOrNull(), message);
        connection.replyError(request, refused.status(), message);
        return false;
    }

    /** Whether {@code name} holds a control character, the line and paragraph separators of Unicode included. */
    static boolean hasControlCharacter(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return true;
            }
        }
        return false;
    }
}
