package io.cameliotmp.api;

import java.util.regex.Pattern;

/** A request the API rejects before any device is involved: answered with 400. */
public class InvalidRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Names of users, devices and resources the API accepts. They end up in Camel endpoint URIs (the stream endpoint),
     * so anything that could change the meaning of a URI ({@code ?}, {@code &}, {@code %}, {@code *}, …) is refused.
     */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.$-]{1,128}");

    public InvalidRequestException(String message) {
        super(message);
    }

    /**
     * A query parameter that is a switch: {@code true} or {@code false} (in any case), null when it is not given or
     * blank; anything else throws, rather than being taken for one of them.
     */
    public static Boolean requireBoolean(String what, Object value) {
        String text = value == null ? "" : String.valueOf(value).strip();
        if (text.isEmpty()) {
            return null;
        }
        if ("true".equalsIgnoreCase(text) || "false".equalsIgnoreCase(text)) {
            return Boolean.valueOf(text);
        }
        throw new InvalidRequestException(what + " is true or false, not "
                                          + (text.length() > 32 ? text.substring(0, 32) + "…" : text));
    }

    /** Returns {@code value} if it is a valid user, device or resource name, else throws. */
    public static String requireName(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new InvalidRequestException(what + " '" + value
                                              + "' is not a valid name: use letters, digits and _ . $ -");
        }
        return value;
    }
}
