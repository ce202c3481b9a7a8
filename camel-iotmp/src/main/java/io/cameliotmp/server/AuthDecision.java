package io.cameliotmp.server;

/**
 * The answer of a {@link DeviceAuthenticator}. A refusal is sent to the device as ERROR with the code in PARAMETERS
 * (1 redirect, 2 bad credentials, none for a generic refusal) and the connection is closed.
 */
public final class AuthDecision {

    public static final int CODE_REDIRECT = 1;
    public static final int CODE_BAD_CREDENTIALS = 2;

    private static final AuthDecision ACCEPT = new AuthDecision(true, null, null, "accepted");
    private static final AuthDecision BAD_CREDENTIALS
            = new AuthDecision(false, CODE_BAD_CREDENTIALS, null, "bad credentials");

    private final boolean accepted;
    private final Integer code;
    private final Object payload;
    private final String reason;

    private AuthDecision(boolean accepted, Integer code, Object payload, String reason) {
        this.accepted = accepted;
        this.code = code;
        this.payload = payload;
        this.reason = reason;
    }

    public static AuthDecision accept() {
        return ACCEPT;
    }

    public static AuthDecision badCredentials() {
        return BAD_CREDENTIALS;
    }

    /** Sends the device elsewhere, e.g. {@code iotmps://other.example.com}. */
    public static AuthDecision redirect(String target) {
        return new AuthDecision(false, CODE_REDIRECT, target, "redirected to " + target);
    }

    /** A refusal without a code; {@code reason} is for logs and events only, the device is not told. */
    public static AuthDecision refuse(String reason) {
        return new AuthDecision(false, null, null, reason);
    }

    public boolean accepted() {
        return accepted;
    }

    /** ERROR code sent to the device, or null. */
    public Integer code() {
        return code;
    }

    /** ERROR payload sent to the device (the redirect target), or null. */
    public Object payload() {
        return payload;
    }

    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return accepted ? "accepted" : "refused (" + reason + ")";
    }
}
