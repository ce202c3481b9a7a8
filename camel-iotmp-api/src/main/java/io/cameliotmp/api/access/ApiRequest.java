package io.cameliotmp.api.access;

import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cameliotmp.api.InvalidRequestException;
import io.cameliotmp.api.ResourcePath;

/**
 * What a request to the device API asks for, in the terms of access tokens: whose device, which resource, which
 * action. Read from the method and the raw path, the same way the routes read them ({@link ResourcePath}).
 *
 * @param user     the user in the path
 * @param device   the device, or null for the user's device list
 * @param resource the resource, or null when none is addressed
 * @param action   what the request does
 */
public record ApiRequest(String user, String device, String resource, ApiAction action) {

    private static final Pattern USER_PATH = Pattern.compile("/v3/users/([^/?#]+)/devices(/[^?#]*)?(?:[?#].*)?");
    private static final Pattern EVENTS = Pattern.compile("/v3/users/([^/?#]+)/events/?(?:[?#].*)?");
    private static final Pattern DEVICE = Pattern.compile("/([^/]+)/?");
    private static final Pattern STREAM = Pattern.compile("/([^/]+)/resources/([^/]+)/(stream|ws)");
    private static final Pattern SESSION = Pattern.compile("/([^/]+)/sessions/([^/]+)");
    private static final Pattern FILES = Pattern.compile("/([^/]+)/files/([^/]+)/?");
    private static final Pattern RESOURCES = Pattern.compile("/([^/]+)/resources(/.*)?");
    private static final Pattern OPERATION = Pattern.compile("/([^/]+)/([^/]+)/?");

    /**
     * Reads a request that names no file; null for a path the API does not have.
     *
     * @throws InvalidRequestException when the path is malformed
     */
    public static ApiRequest of(String method, String rawPath) {
        return of(method, rawPath, () -> null);
    }

    /**
     * Reads a request; null for a path the API does not have (nothing under {@code /v3/users/{user}/devices}
     * serves it). A download or upload ({@code …/files/download|upload?path=…}) addresses the resource
     * {@code $fs/download|upload/} and the file's path ({@link ResourcePath#fileResource}), so that a token's resource
     * patterns decide which files it reaches, as they do for {@code $fs/info/…}.
     *
     * @param filePath the decoded query parameter {@code path} (null when there is none), asked for only by a file
     *                 operation: reading parameters may read a form body
     * @throws InvalidRequestException when the path is malformed, or a file operation names no valid file
     */
    public static ApiRequest of(String method, String rawPath, Supplier<String> filePath) {
        int start = rawPath.indexOf("/v3/");
        Matcher path = start < 0 ? null : USER_PATH.matcher(rawPath.substring(start));
        if (path == null || !path.matches()) {
            Matcher events = start < 0 ? null : EVENTS.matcher(rawPath.substring(start));
            // the user's device events: reading, narrowed to the token's devices by the events themselves
            return events != null && events.matches()
                    ? new ApiRequest(InvalidRequestException.requireName("user", decode(events.group(1))), null, null,
                    ApiAction.READ)
                    : null;
        }
        String user = InvalidRequestException.requireName("user", decode(path.group(1)));
        String rest = path.group(2) == null ? "" : path.group(2);
        if (rest.isEmpty() || "/".equals(rest)) {
            return new ApiRequest(user, null, null, ApiAction.READ);
        }
        Matcher m = DEVICE.matcher(rest);
        if (m.matches()) {
            return new ApiRequest(user, device(m.group(1)), null, ApiAction.READ);
        }
        m = STREAM.matcher(rest);
        if (m.matches()) {
            String resource = ResourcePath.requireResource(decode(m.group(2)));
            return new ApiRequest(user, device(m.group(1)), resource, actionOfStream(resource));
        }
        m = SESSION.matcher(rest);
        if (m.matches()) {
            return new ApiRequest(user, device(m.group(1)), "$" + decode(m.group(2)), ApiAction.SESSION);
        }
        m = FILES.matcher(rest);
        if (m.matches()) {
            String operation = decode(m.group(2));
            if (!"download".equals(operation) && !"upload".equals(operation)) {
                return null;
            }
            return new ApiRequest(user, device(m.group(1)), ResourcePath.fileResource(operation, filePath.get()),
                    ApiAction.FILES);
        }
        m = RESOURCES.matcher(rest);
        if (m.matches()) {
            ResourcePath resource = ResourcePath.parse(rawPath.substring(start));
            if (resource.resource() == null || resource.describe()) {
                return new ApiRequest(user, resource.device(), resource.resource(), ApiAction.READ);
            }
            return new ApiRequest(user, resource.device(), resource.resource(), actionOfRun(resource.resource()));
        }
        m = OPERATION.matcher(rest);
        if (m.matches()) {
            // a firmware update is an action of its own; reading its report is reading. Other operations on a
            // device: whatever changes the device is a run
            ApiAction change = "firmware".equals(m.group(2)) ? ApiAction.FIRMWARE : ApiAction.RUN;
            return new ApiRequest(user, device(m.group(1)), null, "GET".equals(method) ? ApiAction.READ : change);
        }
        return null;
    }

    /**
     * Running a resource: files for {@code $fs/…}, a session for the byte sessions' resources, firmware for
     * {@code $ota…} (the steps of a firmware update: run one by one they flash or reboot the device, beside any update
     * {@code POST …/firmware} runs), else a run.
     */
    static ApiAction actionOfRun(String resource) {
        if (resource.startsWith("$fs/")) {
            return ApiAction.FILES;
        }
        if (resource.startsWith("$ota")) {
            return ApiAction.FIRMWARE;
        }
        if (isSession(resource)) {
            return ApiAction.SESSION;
        }
        return ApiAction.RUN;
    }

    private static ApiAction actionOfStream(String resource) {
        return isSession(resource) ? ApiAction.SESSION : ApiAction.STREAM;
    }

    private static boolean isSession(String resource) {
        return resource.startsWith("$terminal") || resource.startsWith("$cmd") || resource.startsWith("$proxy");
    }

    private static String device(String raw) {
        return InvalidRequestException.requireName("device", decode(raw));
    }

    private static String decode(String raw) {
        return ResourcePath.decode(raw);
    }
}
