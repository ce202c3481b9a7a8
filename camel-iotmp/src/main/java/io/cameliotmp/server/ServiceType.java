package io.cameliotmp.server;

/** The Thinger server services devices call with a RUN whose code is in RESOURCE (IOTMP-Linux) or PARAMETERS. */
public enum ServiceType {
    READ_DEVICE_PROPERTY(1, "property", true),
    SET_DEVICE_PROPERTY(2, "setProperty", false),
    CALL_DEVICE(3, "device", true),
    CALL_ENDPOINT(4, "endpoint", false),
    WRITE_BUCKET(5, "bucket", false),
    LOCK_SYNC(6, "lock", true),
    UNLOCK_SYNC(7, "unlock", false),
    SUBSCRIBE_EVENT(8, "event", false);

    private final int code;
    private final String uriName;
    private final boolean answersWithPayload;

    ServiceType(int code, String uriName, boolean answersWithPayload) {
        this.code = code;
        this.uriName = uriName;
        this.answersWithPayload = answersWithPayload;
    }

    /**
     * Whether the OK carries the handler's result. Reads (a property, another device's output) do; writes are
     * acknowledged with a bare OK, as Thinger does, so a route that leaves the body alone does not echo the data.
     */
    public boolean answersWithPayload() {
        return answersWithPayload;
    }

    public int code() {
        return code;
    }

    /** The name used in {@code iotmp:service:{name}/{target}} URIs. */
    public String uriName() {
        return uriName;
    }

    public static ServiceType ofCode(long code) {
        for (ServiceType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }

    public static ServiceType ofUriName(String name) {
        for (ServiceType type : values()) {
            if (type.uriName.equalsIgnoreCase(name) || type.name().equalsIgnoreCase(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown IOTMP service '" + name + "'");
    }
}
