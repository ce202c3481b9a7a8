package io.cameliotmp.protocol.session;

/**
 * The services a server offers to devices, by the code a device's RUN (or, for {@link #SUBSCRIBE_EVENT}, its
 * START_STREAM) carries (docs/protocol.md §8.1). The one list of them: the server dispatches on it and the device
 * client encodes it.
 */
public enum ServiceCode {
    READ_DEVICE_PROPERTY(1, "property", true),
    SET_DEVICE_PROPERTY(2, "setProperty", false),
    CALL_DEVICE(3, "device", true),
    CALL_ENDPOINT(4, "endpoint", false),
    WRITE_BUCKET(5, "bucket", false),
    LOCK_SYNC(6, "lock", true),
    UNLOCK_SYNC(7, "unlock", false),
    SUBSCRIBE_EVENT(8, "event", false);

    private static final ServiceCode[] BY_CODE = new ServiceCode[values().length + 1];

    static {
        for (ServiceCode service : values()) {
            BY_CODE[service.code] = service;
        }
    }

    private final int code;
    private final String uriName;
    private final boolean answersWithPayload;

    ServiceCode(int code, String uriName, boolean answersWithPayload) {
        this.code = code;
        this.uriName = uriName;
        this.answersWithPayload = answersWithPayload;
    }

    /** The code on the wire. */
    public int code() {
        return code;
    }

    /** The code as the {@code Long} a top-level PSON varint field is written from. */
    public Long wireCode() {
        return (long) code;
    }

    /**
     * Whether the OK carries the handler's result. Reads (a property, another device's output, a lock token) do;
     * writes are acknowledged with a bare OK, as Thinger does, so a handler that leaves its input alone does not echo
     * the data back.
     */
    public boolean answersWithPayload() {
        return answersWithPayload;
    }

    /** The name used in {@code iotmp:service:{name}/{target}} URIs. */
    public String uriName() {
        return uriName;
    }

    /** The service of a wire code, or null for codes no service has. */
    public static ServiceCode ofCode(long code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }

    /** The service of a URI name or enum name, case-insensitive. */
    public static ServiceCode ofUriName(String name) {
        for (ServiceCode service : values()) {
            if (service.uriName.equalsIgnoreCase(name) || service.name().equalsIgnoreCase(name)) {
                return service;
            }
        }
        throw new IllegalArgumentException("unknown IOTMP service '" + name + "'");
    }
}
