package io.cameliotmp.protocol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * PSON v1, the legacy protoson of gen-1 devices: a varint tag {@code ftype << 3 | protobuf wire type} and then the
 * content. Containers are prefixed with their content size in bytes, not their element count.
 */
final class PsonV1 extends PsonFormat {

    private static final int NULL = 0x00;
    private static final int POSITIVE = 0x08;
    private static final int NEGATIVE = 0x10;
    private static final int FLOAT32 = 0x1D;
    private static final int FLOAT64 = 0x21;
    private static final int TRUE = 0x28;
    private static final int FALSE = 0x30;
    private static final int ZERO = 0x38;
    private static final int ONE = 0x40;
    private static final int STRING = 0x4A;
    private static final int EMPTY_STRING = 0x50;
    private static final int BYTES = 0x5A;
    private static final int EMPTY_BYTES = 0x60;
    private static final int OBJECT = 0x6A;
    private static final int ARRAY = 0x72;
    private static final int UNSET = 0x78;

    /** The legacy encoder sends a double as float32 when that loses at most this much. */
    private static final double FLOAT32_TOLERANCE = 1e-5;

    @Override
    public int wireType() {
        return 1;
    }

    @Override
    boolean travelsAsFloat32(double d) {
        return Math.abs(d - (float) d) <= FLOAT32_TOLERANCE;
    }

    private static int tagOnly(int tag, ByteBuf out) {
        if (out != null) {
            out.writeByte(tag);
        }
        return 1;
    }

    private static int tagAndVarint(int tag, long value, ByteBuf out) {
        tagOnly(tag, out);
        return 1 + Varint.write(value, out);
    }

    /** Empty strings and byte arrays have tags of their own; the others carry a varint length. */
    @Override
    int header(Scalar scalar, long n, ByteBuf out) {
        return switch (scalar) {
            case FLOAT32 -> tagOnly(FLOAT32, out);
            case FLOAT64 -> tagOnly(FLOAT64, out);
            case STRING -> n == 0 ? tagOnly(EMPTY_STRING, out) : tagAndVarint(STRING, n, out);
            case BYTES -> n == 0 ? tagOnly(EMPTY_BYTES, out) : tagAndVarint(BYTES, n, out);
        };
    }

    @Override
    int writeNull(ByteBuf out) {
        return tagOnly(NULL, out);
    }

    @Override
    int writeBoolean(boolean value, ByteBuf out) {
        return tagOnly(value ? TRUE : FALSE, out);
    }

    @Override
    int writeUnsigned(long value, ByteBuf out) {
        if (value == 0 || value == 1) {
            return tagOnly(value == 0 ? ZERO : ONE, out);
        }
        return tagAndVarint(POSITIVE, value, out);
    }

    @Override
    int writeNegative(long magnitude, ByteBuf out) {
        return tagAndVarint(NEGATIVE, magnitude, out);
    }

    @Override
    int writeMap(Map<?, ?> map, ByteBuf out, int depth) {
        int content = writeMapContent(map, null, depth);
        if (out != null) {
            tagAndVarint(OBJECT, content, out);
            writeMapContent(map, out, depth);
        }
        return 1 + Varint.size(content) + content;
    }

    private int writeMapContent(Map<?, ?> map, ByteBuf out, int depth) {
        int size = 0;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            CharSequence key = wellFormed(keyOf(entry.getKey()));
            int keyLength = ByteBufUtil.utf8Bytes(key);
            size += Varint.write(keyLength, out) + keyLength;
            if (out != null) {
                ByteBufUtil.reserveAndWriteUtf8(out, key, keyLength);
            }
            size += emit(entry.getValue(), out, depth);
        }
        return size;
    }

    @Override
    int writeArray(Collection<?> list, ByteBuf out, int depth) {
        int content = 0;
        for (Object element : list) {
            content += emit(element, null, depth);
        }
        if (out != null) {
            tagAndVarint(ARRAY, content, out);
            for (Object element : list) {
                emit(element, out, depth);
            }
        }
        return 1 + Varint.size(content) + content;
    }

    @Override
    Object read(WireReader in, int depthLeft) {
        int start = in.position();
        long tag = in.readVarint64();
        // Field types end at 15; checked on the long so that a huge tag cannot wrap to a valid type in the int cast.
        if (tag >>> 3 > UNSET >>> 3) {
            throw in.errorAt("invalid PSON v1 tag 0x" + Long.toHexString(tag), start);
        }
        // The legacy decoder dispatches on the field type alone; the protobuf wire type bits are informative.
        int ftype = (int) (tag >>> 3);
        switch (ftype) {
            case NULL >>> 3:
            case UNSET >>> 3:
                return null;
            case POSITIVE >>> 3: {
                long value = in.readVarint64();
                in.charge(HeapCost.number(value));
                return unsigned(value);
            }
            case NEGATIVE >>> 3: {
                long magnitude = in.readVarint64();
                in.charge(HeapCost.number(magnitude));
                return negative(magnitude);
            }
            case FLOAT32 >>> 3:
                return in.readFloatLE();
            case FLOAT64 >>> 3:
                return in.readDoubleLE();
            case TRUE >>> 3:
                return Boolean.TRUE;
            case FALSE >>> 3:
                return Boolean.FALSE;
            case ZERO >>> 3:
                return 0L;
            case ONE >>> 3:
                return 1L;
            case STRING >>> 3:
                return in.readUtf8(in.readLength(in.readVarint64()));
            case EMPTY_STRING >>> 3:
                return "";
            case BYTES >>> 3:
                return in.readBytes(in.readLength(in.readVarint64()));
            case EMPTY_BYTES >>> 3:
                in.charge(HeapCost.BYTES);
                return new byte[0];
            case OBJECT >>> 3:
                return readObject(in, depthLeft, start);
            case ARRAY >>> 3:
                return readArray(in, depthLeft, start);
            default:
                throw in.errorAt("invalid PSON v1 tag 0x" + Long.toHexString(tag), start);
        }
    }

    private Map<String, Object> readObject(WireReader in, int depthLeft, int start) {
        if (depthLeft <= 0) {
            throw in.errorAt("containers nested too deeply", start);
        }
        int size = in.readLength(in.readVarint64());
        int outer = in.limit(in.position() + size);
        in.charge(HeapCost.MAP);
        Map<String, Object> map = newMap(size / 2);
        while (in.hasRemaining()) {
            in.charge(HeapCost.MAP_ENTRY);
            String key = in.readKey(in.readLength(in.readVarint64()));
            map.put(key, read(in, depthLeft - 1));
        }
        in.restoreLimit(outer);
        return map;
    }

    private List<Object> readArray(WireReader in, int depthLeft, int start) {
        if (depthLeft <= 0) {
            throw in.errorAt("containers nested too deeply", start);
        }
        int size = in.readLength(in.readVarint64());
        int outer = in.limit(in.position() + size);
        in.charge(HeapCost.LIST);
        List<Object> list = new ArrayList<>(Math.min(size, 16));
        while (in.hasRemaining()) {
            in.charge(HeapCost.LIST_ELEMENT);
            list.add(read(in, depthLeft - 1));
        }
        in.restoreLimit(outer);
        return list;
    }

    @Override
    public String toString() {
        return "PSON v1";
    }
}
