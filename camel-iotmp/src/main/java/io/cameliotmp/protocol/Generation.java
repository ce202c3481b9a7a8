package io.cameliotmp.protocol;

/**
 * The two device generations in the field. They differ in the PSON format of their fields and, for START_STREAM and
 * DESCRIBE, in which field holds the resource.
 */
public enum Generation {

    /** Pre-2026 IOTMP-Linux: PSON v1 (wire type 1), resource of START_STREAM and DESCRIBE in field 3. */
    GEN1(PsonFormat.V1),

    /** IOTMP-Linux 2026+, IOTMP-Embedded and its Arduino/ESP-IDF/Zephyr ports: PSON v2 (wire type 2). */
    GEN2(PsonFormat.V2),

    /**
     * The legacy Thinger protocol of the Arduino library up to 2.40 and the old Linux client: PSON v1 values under
     * wire type 6, in frames of their own ({@code io.cameliotmp.protocol.legacy}). Reported for such devices; IOTMP
     * frames are never encoded in it (sizes measured with it follow the gen-1 layout, which is close).
     */
    LEGACY(PsonFormat.V1);

    private final PsonFormat pson;

    Generation(PsonFormat pson) {
        this.pson = pson;
    }

    public PsonFormat pson() {
        return pson;
    }

    /** The field id that carries the resource of a message of this type. */
    public int resourceField(MessageType type) {
        if (this != GEN2 && (type == MessageType.START_STREAM || type == MessageType.DESCRIBE)) {
            return IotmpFrames.FIELD_PAYLOAD;
        }
        return IotmpFrames.FIELD_RESOURCE;
    }

    /** The generation whose PSON format uses this wire type, or null. */
    public static Generation ofWireType(int wireType) {
        return wireType == 1 ? GEN1 : wireType == 2 ? GEN2 : null;
    }
}
