package io.cameliotmp.api;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a request under {@code /v3/users/{user}/devices/{device}/resources} addresses, read from the raw request path:
 * the whole device ({@code …/resources}), one resource ({@code …/resources/{resource…}}) or one resource's description
 * ({@code …/resources/{resource…}/api}).
 * <p>
 * Resource names may have several segments ({@code $fs/info/etc/hosts}), written with plain slashes or with
 * {@code %2F}: both name the same resource. Only a plain {@code /api} at the end asks for the description, so a
 * resource whose name ends with {@code /api} is reached as {@code …%2Fapi}. Names are decoded as UTF-8; a name with a
 * control character, one of {@code ? # % *}, or an empty (but a trailing {@code /}), {@code .} or {@code ..} segment
 * is refused (400), so that
 * what a resource pattern of an access token allows cannot be left through a relative path or a wildcard.
 *
 * @param user     the user, a valid name
 * @param device   the device, a valid name
 * @param resource the resource, or null when the request addresses the whole device
 * @param describe whether the description is asked for rather than a run
 */
public record ResourcePath(String user, String device, String resource, boolean describe) {

    /** The longest resource name accepted, in characters. */
    public static final int MAX_RESOURCE_LENGTH = 1024;

    private static final Pattern PATH =
            Pattern.compile("/v3/users/([^/?#]+)/devices/([^/?#]+)/resources(?:/([^?#]*))?(?:[?#].*)?");
    private static final String DESCRIBE_SUFFIX = "/api";
    /** Characters with a meaning in Camel URIs and in the resource patterns of access tokens. */
    private static final String RESERVED = "?#%*";

    /**
     * Reads a raw request URI (as the client sent it, percent-encoded; a context path before {@code /v3} is allowed).
     *
     * @throws InvalidRequestException when the path is not a resource path or a name is not valid
     */
    public static ResourcePath parse(String rawUri) {
        int start = rawUri == null ? -1 : rawUri.indexOf("/v3/users/");
        Matcher matcher = start < 0 ? null : PATH.matcher(rawUri.substring(start));
        if (matcher == null || !matcher.matches()) {
            throw new InvalidRequestException("not a resource path: " + rawUri);
        }
        String user = InvalidRequestException.requireName("user", decode(matcher.group(1)));
        String device = InvalidRequestException.requireName("device", decode(matcher.group(2)));
        String rest = matcher.group(3);
        if (rest == null || rest.isEmpty()) {
            return new ResourcePath(user, device, null, false);
        }
        boolean describe = rest.endsWith(DESCRIBE_SUFFIX);
        String encodedName = describe ? rest.substring(0, rest.length() - DESCRIBE_SUFFIX.length()) : rest;
        return new ResourcePath(user, device, requireResource(decode(encodedName)), describe);
    }

    /** Returns {@code name} if it is a valid resource name, else throws. */
    public static String requireResource(String name) {
        if (name.isEmpty() || name.length() > MAX_RESOURCE_LENGTH) {
            throw new InvalidRequestException("a resource name has 1 to " + MAX_RESOURCE_LENGTH + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new InvalidRequestException("resource names have no control characters");
            }
            if (RESERVED.indexOf(c) >= 0) {
                throw new InvalidRequestException("resource '" + name + "' has one of " + RESERVED
                                                  + ", which resource names do not");
            }
        }
        String[] segments = name.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            // one trailing slash is allowed: IOTMP-Linux lists its file system's root as $fs/get/ and makes a
            // directory with $fs/put/dir/
            boolean trailing = segment.isEmpty() && i == segments.length - 1 && i > 0 && !segments[i - 1].isEmpty();
            if ((segment.isEmpty() && !trailing) || ".".equals(segment) || "..".equals(segment)) {
                throw new InvalidRequestException("resource '" + name + "' has an empty, . or .. segment");
            }
        }
        return name;
    }

    /**
     * A file path of a device ({@code /tmp/data.bin}, the leading slash optional) as it is written in resource names:
     * one leading slash dropped, the rest a valid resource name, so no empty, {@code .} or {@code ..} segment. A path
     * is refused rather than normalised, as a resource name is: {@code /tmp/a/../../etc} never becomes a path a
     * pattern was not written for.
     *
     * @throws InvalidRequestException when the path is missing or not valid
     */
    public static String requireFilePath(String path) {
        if (path == null || path.isEmpty() || path.endsWith("/")) {
            throw new InvalidRequestException("the query parameter path names the file, e.g. ?path=/tmp/data.bin");
        }
        return requireResource(path.charAt(0) == '/' ? path.substring(1) : path);
    }

    /**
     * The resource an operation on a file stands for in the resource patterns of access tokens:
     * {@code $fs/download/tmp/data.bin} for a download of {@code /tmp/data.bin}, as {@code $fs/info/tmp/data.bin} is
     * its description.
     *
     * @param operation {@code download} or {@code upload}
     * @param path      the file's path
     */
    public static String fileResource(String operation, String path) {
        return "$fs/" + operation + "/" + requireFilePath(path);
    }

    /** Percent-decoding of a path: {@code +} stays a plus; a malformed escape or invalid UTF-8 is a 400. */
    public static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        byte[] bytes = new byte[raw.length()];
        int length = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new InvalidRequestException("a malformed %-escape in the path");
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new InvalidRequestException("a malformed %-escape in the path");
                }
                bytes[length++] = (byte) (high << 4 | low);
                i += 2;
            } else if (c < 0x80) {
                bytes[length++] = (byte) c;
            } else {
                throw new InvalidRequestException("the path has a character that is not percent-encoded");
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InvalidRequestException("the path is not UTF-8 once decoded");
        }
    }
}
