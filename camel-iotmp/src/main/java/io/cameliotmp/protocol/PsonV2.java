package io.cameliotmp.protocol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;

/**
 * PSON v2: one tag byte {@code type << 5 | n}, with {@code n} inline below 31 and as a following varint otherwise.
 */
final class PsonV2 extends PsonFormat {

    private static final int UNSIGNED = 0;
    private static final int NEGATIVE = 1;
    private static final int FLOAT = 2;
    private static final int DISCRETE = 3;
    private static final int STRING = 4;
    private static final int BYTES = 5;
    private static final int MAP = 6;
    private static final int ARRAY = 7;

    private static final int ESCAPE = 0x1F;

    @Override
    public int wireType() {
        return 2;
    }

    @Override
    boolean travelsAsFloat32(double d) {
        return (double) (float) d == d || Double.isInfinite(d);
    }

    private static int tag(int type, long n, ByteBuf out) {
        if (n >= 0 && n < ESCAPE) {
            if (out != null) {
                out.writeByte(type << 5 | (int) n);
            }
            return 1;
        }
        if (out != null) {
            out.writeByte(type << 5 | ESCAPE);
        }
        return 1 + Varint.write(n, out);
    }

    @Override
    int header(Scalar scalar, long n, ByteBuf out) {
        return switch (scalar) {
            case FLOAT32 -> tag(FLOAT, 0, out);
            case FLOAT64 -> tag(FLOAT, 1, out);
            case STRING -> tag(STRING, n, out);
            case BYTES -> tag(BYTES, n, out);
        };
    }

    @Override
    int writeNull(ByteBuf out) {
        return tag(DISCRETE, 2, out);
    }

    @Override
    int writeBoolean(boolean value, ByteBuf out) {
        return tag(DISCRETE, value ? 1 : 0, out);
    }

    @Override
    int writeUnsigned(long value, ByteBuf out) {
        return tag(UNSIGNED, value, out);
    }

    @Override
    int writeNegative(long magnitude, ByteBuf out) {
        return tag(NEGATIVE, magnitude, out);
    }

    @Override
    int writeMap(Map<?, ?> map, ByteBuf out, int depth) {
        int size = tag(MAP, map.size(), out);
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            size += writeString(keyOf(entry.getKey()), out);
            size += emit(entry.getValue(), out, depth);
        }
        return size;
    }

    @Override
    int writeArray(Collection<?> list, ByteBuf out, int depth) {
        int size = tag(ARRAY, list.size(), out);
        for (Object element : list) {
            size += emit(element, out, depth);
        }
        return size;
    }

    @Override
    Object read(WireReader in, int depthLeft) {
        int start = in.position();
        int tag = in.readUnsignedByte();
        int type = tag >>> 5;
        int inline = tag & ESCAPE;
        switch (type) {
            case UNSIGNED: {
                long value = number(in, inline);
                in.charge(HeapCost.number(value));
                return unsigned(value);
            }
            case NEGATIVE: {
                long magnitude = number(in, inline);
                in.charge(HeapCost.number(magnitude));
                return negative(magnitude);
            }
            case FLOAT:
                if (inline == 0) {
                    return in.readFloatLE();
                } else if (inline == 1) {
                    return in.readDoubleLE();
                }
                throw in.errorAt("invalid float tag 0x" + Integer.toHexString(tag), start);
            case DISCRETE:
                if (inline == 0) {
                    return Boolean.FALSE;
                } else if (inline == 1) {
                    return Boolean.TRUE;
                } else if (inline == 2) {
                    return null;
                }
                throw in.errorAt("invalid discrete tag 0x" + Integer.toHexString(tag), start);
            case STRING:
                return in.readUtf8(in.readLength(number(in, inline)));
            case BYTES:
                return in.readBytes(in.readLength(number(in, inline)));
            case MAP:
                return readMap(in, inline, depthLeft, start);
            default:
                return readArray(in, inline, depthLeft, start);
        }
    }

    private Map<String, Object> readMap(WireReader in, int inline, int depthLeft, int start) {
        if (depthLeft <= 0) {
            throw in.errorAt("containers nested too deeply", start);
        }
        int pairs = in.checkCount(number(in, inline), 2);
        in.charge(HeapCost.MAP + (long) pairs * HeapCost.MAP_ENTRY);
        Map<String, Object> map = newMap(pairs);
        for (int i = 0; i < pairs; i++) {
            int keyStart = in.position();
            int keyTag = in.readUnsignedByte();
            if (keyTag >>> 5 != STRING) {
                throw in.errorAt("map key is not a string (tag 0x" + Integer.toHexString(keyTag) + ")", keyStart);
            }
            String key = in.readKey(in.readLength(number(in, keyTag & ESCAPE)));
            map.put(key, read(in, depthLeft - 1));
        }
        return map;
    }

    private List<Object> readArray(WireReader in, int inline, int depthLeft, int start) {
        if (depthLeft <= 0) {
            throw in.errorAt("containers nested too deeply", start);
        }
        int count = in.checkCount(number(in, inline), 1);
        in.charge(HeapCost.LIST + (long) count * HeapCost.LIST_ELEMENT);
        List<Object> list = new ArrayList<>(Math.min(count, 16));
        for (int i = 0; i < count; i++) {
            list.add(read(in, depthLeft - 1));
        }
        return list;
    }

    private static long number(WireReader in, int inline) {
        return inline < ESCAPE ? inline : in.readVarint64();
    }

    @Override
    public String toString() {
        return "PSON v2";
    }

}
