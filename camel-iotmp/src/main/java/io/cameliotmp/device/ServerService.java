package io.cameliotmp.device;

/** Codes of the services a Thinger.io server offers to devices through RUN / START_STREAM (IOTMP.md §8.1). */
enum ServerService {
    READ_DEVICE_PROPERTY(1),
    SET_DEVICE_PROPERTY(2),
    CALL_DEVICE(3),
    CALL_ENDPOINT(4),
    WRITE_BUCKET(5),
    LOCK_SYNC(6),
    UNLOCK_SYNC(7),
    SUBSCRIBE_EVENT(8);

    private final long code;

    ServerService(long code) {
        this.code = code;
    }

    /** The code as the Long a top-level varint field is written from. */
    long code() {
        return code;
    }
}
