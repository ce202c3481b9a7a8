package io.cameliotmp.server;

/** The Thinger server services devices call with a RUN whose code is in RESOURCE (IOTMP-Linux) or PARAMETERS. */
public enum ServiceType {
    READ_DEVICE_PROPERTY(1, "property"),
    SET_DEVICE_PROPERTY(2, "setProperty"),
    CALL_DEVICE(3, "device"),
    CALL_ENDPOINT(4, "endpoint"),
    WRITE_BUCKET(5, "bucket"),
    LOCK_SYNC(6, "lock"),
    UNLOCK_SYNC(7, "unlock"),
    SUBSCRIBE_EVENT(8, "event");

    private final int code;
    private final String uriName;

    ServiceType(int code, String uriName) {
        this.code = code;
        this.uriName = uriName;
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
