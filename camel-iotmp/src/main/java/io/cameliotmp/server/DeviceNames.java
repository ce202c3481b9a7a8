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
 * itself is neither echoed nor logged.
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
        if (name == null || name.length() <= max) {
            return true;
        }
        String message = what + " name of " + name.length() + " characters, more than the " + max + " allowed";
        context.metrics().quotaExceeded(QuotaExceededException.Quota.NAME_LENGTH);
        context.refusalLog().quota(LOG, connection.deviceIdOrNull(), message);
        connection.replyError(request, QuotaExceededException.Quota.NAME_LENGTH.status(), message);
        return false;
    }
}
