package io.cameliotmp.protocol.legacy;

import io.cameliotmp.protocol.BodyReader;
import io.cameliotmp.protocol.IotmpDecodeException;
import io.cameliotmp.protocol.PsonFormat;
import io.cameliotmp.protocol.Varint;
import io.netty.buffer.ByteBuf;

/**
 * The legacy frame layout: {@code varint type, varint body size, body}, as IOTMP, with two types (1 MESSAGE, 2
 * KEEP_ALIVE). A MESSAGE body is a sequence of keyed fields: 1 stream id and 2 signal flag as varints, 3 identifier,
 * 4 resource and 6 payload as one PSON v1 value each under wire type 6, which has no length prefix (the value
 * delimits itself).
 * <p>
 * The encoder writes what the devices' own encoder writes (fields in ascending order, 1 and 2 only when not 0), so
 * every frame is byte-identical with theirs. The decoder is tolerant where the devices are, and strict where a
 * device would lose the stream: unknown varint, fixed and length-delimited fields are skipped; wire types 3, 4 and
 * 7, and PSON values under an unknown field number, make the body malformed.
 */
public final class LegacyFrames {

    public static final int TYPE_MESSAGE = 1;
    public static final int TYPE_KEEP_ALIVE = 2;

    public static final int FIELD_STREAM_ID = 1;
    public static final int FIELD_SIGNAL_FLAG = 2;
    public static final int FIELD_IDENTIFIER = 3;
    public static final int FIELD_RESOURCE = 4;
    public static final int FIELD_PAYLOAD = 6;

    /** The devices keep stream ids in 16 bits. */
    public static final int MAX_STREAM_ID = 0xFFFF;

    private static final int WIRE_VARINT = 0;
    private static final int WIRE_FIXED64 = 1;
    private static final int WIRE_LENGTH_DELIMITED = 2;
    private static final int WIRE_FIXED32 = 5;
    /** The library's own wire type: one PSON value follows the key directly. */
    private static final int WIRE_PSON = 6;

    private static final PsonFormat PSON = PsonFormat.V1;

    private LegacyFrames() {
    }

    /** Appends the whole frame of {@code message}. */
    public static void encode(LegacyMessage message, ByteBuf out) {
        if (message.keepAlive()) {
            out.writeByte(TYPE_KEEP_ALIVE).writeByte(0);
            return;
        }
        int bodySize = body(message, null);
        Varint.write(TYPE_MESSAGE, out);
        Varint.write(bodySize, out);
        body(message, out);
    }

    /** Size of the whole frame {@link #encode} writes. */
    public static int frameSize(LegacyMessage message) {
        if (message.keepAlive()) {
            return 2;
        }
        int bodySize = body(message, null);
        return 1 + Varint.size(bodySize) + bodySize;
    }

    private static int body(LegacyMessage message, ByteBuf out) {
        int size = 0;
        if (message.streamId() != 0) {
            size += Varint.write(FIELD_STREAM_ID << 3 | WIRE_VARINT, out) + Varint.write(message.streamId(), out);
        }
        if (message.flag().code() != 0) {
            size += Varint.write(FIELD_SIGNAL_FLAG << 3 | WIRE_VARINT, out)
                    + Varint.write(message.flag().code(), out);
        }
        size += psonField(FIELD_IDENTIFIER, message.identifier(), out);
        size += psonField(FIELD_RESOURCE, message.resource(), out);
        size += psonField(FIELD_PAYLOAD, message.payload(), out);
        return size;
    }

    private static int psonField(int field, Object value, ByteBuf out) {
        if (value == null) {
            return 0;
        }
        int size = Varint.write(field << 3 | WIRE_PSON, out);
        if (out != null) {
            int before = out.writerIndex();
            PSON.encode(value, out);
            return size + out.writerIndex() - before;
        }
        return size + PSON.sizeOf(value);
    }

    /**
     * Decodes a MESSAGE body occupying {@code [start, end)} of {@code in}.
     *
     * @param maxDepth        nesting accepted in PSON values
     * @param maxDecodedBytes estimated heap the values of the body may take
     * @throws IotmpDecodeException with the offset inside the body
     */
    public static LegacyMessage decodeBody(ByteBuf in, int start, int end, int maxDepth, long maxDecodedBytes) {
        return decodeBody(new BodyReader(in, start, end, maxDecodedBytes), maxDepth);
    }

    /** {@link #decodeBody(ByteBuf, int, int, int, long)} from a reader, whose charge then says what it took. */
    public static LegacyMessage decodeBody(BodyReader reader, int maxDepth) {
        int streamId = 0;
        long flagCode = 0;
        Object identifier = null;
        Object resource = null;
        Object payload = null;
        try {
            while (reader.hasRemaining()) {
                int keyOffset = reader.offset();
                long key = reader.readVarint();
                if (key < 0 || key > Integer.MAX_VALUE) {
                    throw reader.errorAt("field key out of range", keyOffset);
                }
                int field = (int) (key >>> 3);
                int wireType = (int) (key & 7);
                switch (wireType) {
                    case WIRE_VARINT -> {
                        long value = reader.readVarint();
                        if (field == FIELD_STREAM_ID) {
                            // 16-bit on the devices: they truncate, so does the server
                            streamId = (int) (value & MAX_STREAM_ID);
                        } else if (field == FIELD_SIGNAL_FLAG) {
                            flagCode = value;
                        }
                    }
                    case WIRE_FIXED64 -> reader.skip(8);
                    case WIRE_FIXED32 -> reader.skip(4);
                    case WIRE_LENGTH_DELIMITED -> reader.skip(reader.readVarint());
                    case WIRE_PSON -> {
                        if (field != FIELD_IDENTIFIER && field != FIELD_RESOURCE && field != FIELD_PAYLOAD) {
                            // a device could not skip it either: its frame would be lost
                            throw reader.errorAt("PSON value in unknown field " + field, keyOffset);
                        }
                        Object value = reader.readPson(PSON, maxDepth);
                        if (field == FIELD_IDENTIFIER) {
                            identifier = value;
                        } else if (field == FIELD_RESOURCE) {
                            resource = value;
                        } else {
                            payload = value;
                        }
                    }
                    default -> throw reader.errorAt("wire type " + wireType + " in field " + field
                                                    + " cannot be skipped", keyOffset);
                }
            }
        } catch (IotmpDecodeException e) {
            // devices write the id and the flag first: an answer whose payload is bad can still fail its request at
            // once, rather than leave it to its timeout
            boolean answer = flagCode == SignalFlag.REQUEST_OK.code() || flagCode == SignalFlag.REQUEST_ERROR.code();
            throw answer ? e.inStream(streamId) : e;
        }
        SignalFlag flag = SignalFlag.fromCode(flagCode);
        if (flag == null) {
            throw new IotmpDecodeException("unknown signal flag " + Long.toUnsignedString(flagCode), 0);
        }
        return new LegacyMessage(false, streamId, flag, identifier, resource, payload);
    }
}
