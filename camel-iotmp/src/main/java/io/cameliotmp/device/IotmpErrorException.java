package io.cameliotmp.device;

import java.util.Map;

import io.cameliotmp.protocol.PsonValues;

/**
 * An ERROR answer of the peer, with its PARAMETERS (usually a numeric, HTTP-like code) and PAYLOAD (usually
 * {@code {"error": text}} or {@code {"message": text}}).
 * <p>
 * It works both ways: requests of the device fail with it when the server answers ERROR, and a resource handler may
 * throw it to answer the server with exactly this code and payload.
 */
public class IotmpErrorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Object parameters;
    private final transient Object payload;

    /**
     * @param code    the PARAMETERS of the ERROR (a number such as 404, or {@code null} for none)
     * @param payload the PAYLOAD of the ERROR, or {@code null}
     */
    public IotmpErrorException(Object code, Object payload) {
        this(describe("ERROR", code, payload), code, payload);
    }

    protected IotmpErrorException(String message, Object code, Object payload) {
        super(message);
        this.parameters = code;
        this.payload = payload;
    }

    /** The numeric code in PARAMETERS, or {@code null} if there was none or it was not a number. */
    public Long code() {
        return parameters instanceof Number n ? n.longValue() : null;
    }

    /** The raw PARAMETERS value of the ERROR. */
    public Object parameters() {
        return parameters;
    }

    /** The PAYLOAD of the ERROR, or {@code null}. */
    public Object payload() {
        return payload;
    }

    static String describe(String what, Object code, Object payload) {
        StringBuilder s = new StringBuilder(what);
        if (code != null) {
            s.append(" code=").append(PsonValues.toString(code));
        }
        // the peer's text, bounded and with its line breaks escaped: these messages reach logs
        if (payload instanceof Map<?, ?> map && map.get("error") instanceof String text) {
            s.append(": ").append(PsonValues.text(text));
        } else if (payload instanceof Map<?, ?> map && map.get("message") instanceof String text) {
            s.append(": ").append(PsonValues.text(text));
        } else if (payload != null) {
            s.append(" payload=").append(PsonValues.toString(payload));
        }
        return s.toString();
    }
}
