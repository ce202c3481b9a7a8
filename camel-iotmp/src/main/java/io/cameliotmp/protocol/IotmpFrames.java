package io.cameliotmp.protocol;

import java.math.BigInteger;

import io.netty.buffer.ByteBuf;

/**
 * Frame layout: {@code varint type, varint body size, body}; the body is a sequence of fields
 * {@code varint (id << 3 | wire type), value}. Used by {@link IotmpFrameCodec} and directly by tools and tests.
 */
public final class IotmpFrames {

    public static final int FIELD_STREAM_ID = 1;
    public static final int FIELD_PARAMETERS = 2;
    public static final int FIELD_PAYLOAD = 3;
    public static final int FIELD_RESOURCE = 4;

    public static final int WIRE_VARINT = 0;

    /** Default upper bound of a frame body; the largest body the reference Linux client accepts. */
    public static final int DEFAULT_MAX_FRAME_SIZE = 256 * 1024;

    /** Header varints longer than this are refused (the references accept 4 or 5 bytes). */
    static final int MAX_HEADER_VARINT_BYTES = 5;

    private static final long MAX_TOP_LEVEL_VARINT = 0xFFFF_FFFFL;

    private IotmpFrames() {
    }

    /** Appends the whole frame (header and body) of {@code message} in the given generation's layout. */
    public static void encode(IotmpMessage message, Generation generation, ByteBuf out) {
        int bodySize = body(message, generation, null);
        Varint.write(message.type().code(), out);
        Varint.write(bodySize, out);
        body(message, generation, out);
    }

    /** Size of the whole frame {@link #encode} writes. */
    public static int frameSize(IotmpMessage message, Generation generation) {
        int bodySize = body(message, generation, null);
        return Varint.size(message.type().code()) + Varint.size(bodySize) + bodySize;
    }

    /** Measures the body and, when {@code out} is not null, writes it: fields in ascending id order. */
    private static int body(IotmpMessage message, Generation generation, ByteBuf out) {
        PsonFormat pson = generation.pson();
        int size = 0;
        if (message.hasStreamId()) {
            size += Varint.write(FIELD_STREAM_ID << 3 | WIRE_VARINT, out) + Varint.write(message.streamId(), out);
        }
        size += field(FIELD_PARAMETERS, message.parameters(), pson, out);
        int resourceField = generation.resourceField(message.type());
        if (resourceField == FIELD_PAYLOAD) {
            size += field(FIELD_PAYLOAD, message.resource(), pson, out);
        } else {
            size += field(FIELD_PAYLOAD, message.payload(), pson, out);
            size += field(FIELD_RESOURCE, message.resource(), pson, out);
        }
        return size;
    }

    /**
     * One field. Top-level integers 0..2^32-1 travel as varints (wire type 0), which is what every device decoder
     * expects; anything else, including negative or larger integers that devices would mangle as varints, as PSON.
     */
    private static int field(int id, Object value, PsonFormat pson, ByteBuf out) {
        if (value == null) {
            return 0;
        }
        long asVarint = topLevelVarint(value);
        if (asVarint >= 0) {
            return Varint.write(id << 3 | WIRE_VARINT, out) + Varint.write(asVarint, out);
        }
        return Varint.write(id << 3 | pson.wireType(), out) + pson.emit(value, out, 0);
    }

    private static long topLevelVarint(Object value) {
        long v;
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            v = ((Number) value).longValue();
        } else if (value instanceof BigInteger big && big.bitLength() < 64) {
            v = big.longValue();
        } else {
            return -1;
        }
        return v >= 0 && v <= MAX_TOP_LEVEL_VARINT ? v : -1;
    }

    /**
     * Reads the frame header at the reader index without consuming anything.
     *
     * @return the header, or null if more bytes are needed
     * @throws IotmpFrameTooLargeException if the announced body exceeds {@code maxFrameSize}
     */
    public static Header peekHeader(ByteBuf in, int maxFrameSize) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        long type = Varint.peek(in, start, end, MAX_HEADER_VARINT_BYTES, start);
        if (type < 0) {
            return null;
        }
        int typeLength = Varint.size(type);
        int sizeIndex = start + countVarintBytes(in, start);
        long size = Varint.peek(in, sizeIndex, end, MAX_HEADER_VARINT_BYTES, start);
        if (size < 0) {
            return null;
        }
        if (size > maxFrameSize) {
            throw new IotmpFrameTooLargeException(size, maxFrameSize);
        }
        int headerLength = sizeIndex - start + countVarintBytes(in, sizeIndex);
        assert typeLength <= headerLength;
        return new Header(type, (int) size, headerLength);
    }

    /**
     * The type code of the frame that starts at the reader index, without consuming anything: read before the size, so
     * a frame of an unknown type can be told as soon as its first byte or so is in.
     *
     * @return the type code, or -1 when the buffer ends before it does
     * @throws IotmpDecodeException when the type's varint is longer than a header's may be
     */
    public static long peekType(ByteBuf in) {
        return Varint.peek(in, in.readerIndex(), in.writerIndex(), MAX_HEADER_VARINT_BYTES, in.readerIndex());
    }

    /** Bytes a (possibly non-minimal) varint already known to be complete occupies. */
    private static int countVarintBytes(ByteBuf in, int index) {
        int n = 1;
        while ((in.getByte(index + n - 1) & 0x80) != 0) {
            n++;
        }
        return n;
    }

    /** A frame header: message type code (possibly unknown), body size and header length in bytes. */
    public record Header(long typeCode, int bodySize, int headerLength) {

        public int frameLength() {
            return headerLength + bodySize;
        }
    }

    /**
     * Decodes a body occupying {@code [start, end)} of {@code in}.
     *
     * @param generation         layout of START_STREAM/DESCRIBE and the PSON format a strict decoder accepts
     * @param acceptBothPsonVersions accept wire types 1 and 2 whatever the generation (PSON is self-describing);
     *                               strict device-side decoders refuse the other one, as the references do
     * @throws IotmpDecodeException with the offset inside the body
     */
    public static IotmpMessage decodeBody(MessageType type, ByteBuf in, int start, int end, Generation generation,
                                          boolean acceptBothPsonVersions, int maxDepth) {
        return decodeBody(type, in, start, end, generation, acceptBothPsonVersions, maxDepth, Long.MAX_VALUE);
    }

    /**
     * Like {@link #decodeBody(MessageType, ByteBuf, int, int, Generation, boolean, int)}, refusing a body whose
     * decoded values would take more than {@code maxDecodedBytes} of heap by the decoder's estimate (a few dozen
     * bytes per container, entry and number, strings and byte arrays by their length): a frame made of empty maps
     * would otherwise expand about seventy-fold.
     *
     * @throws IotmpDecodeException also when the estimate exceeds {@code maxDecodedBytes}, as soon as it does
     */
    public static IotmpMessage decodeBody(MessageType type, ByteBuf in, int start, int end, Generation generation,
                                          boolean acceptBothPsonVersions, int maxDepth, long maxDecodedBytes) {
        return decodeBody(type, new WireReader(in, start, end, maxDecodedBytes), generation, acceptBothPsonVersions,
                maxDepth);
    }

    /** Decodes the body a reader covers; the reader then tells what the values cost ({@link WireReader#charged()}). */
    static IotmpMessage decodeBody(MessageType type, WireReader reader, Generation generation,
                                   boolean acceptBothPsonVersions, int maxDepth) {
        int streamId = 0;
        Object parameters = null;
        Object payload = null;
        Object resource = null;
        int firstPsonWireType = 0;
        int resourceField = generation.resourceField(type);
        try {
            while (reader.hasRemaining()) {
                int keyStart = reader.position();
                long key = reader.readVarint64();
                if (key > Integer.MAX_VALUE) {
                    throw reader.errorAt("field key out of range", keyStart);
                }
                int id = (int) (key >>> 3);
                int wireType = (int) (key & 7);
                Object value;
                if (wireType == WIRE_VARINT) {
                    long varint = reader.readVarint64();
                    reader.charge(HeapCost.number(varint));
                    value = PsonFormat.unsigned(varint);
                } else if (wireType == 1 || wireType == 2) {
                    if (!acceptBothPsonVersions && wireType != generation.pson().wireType()) {
                        throw reader.errorAt("wire type " + wireType + " is not used by " + generation, keyStart);
                    }
                    if (firstPsonWireType == 0) {
                        firstPsonWireType = wireType;
                    }
                    value = (wireType == 1 ? PsonFormat.V1 : PsonFormat.V2).read(reader, maxDepth);
                } else {
                    throw reader.errorAt("unknown wire type " + wireType + " in field " + id, keyStart);
                }
                if (id == FIELD_STREAM_ID) {
                    streamId = streamIdOf(value, reader, keyStart);
                } else if (id == FIELD_PARAMETERS) {
                    parameters = value;
                } else if (id == resourceField) {
                    resource = value;
                } else if (id == FIELD_PAYLOAD) {
                    payload = value;
                }
                // other ids: decoded (PSON is self-delimiting) and ignored
            }
        } catch (IotmpDecodeException e) {
            // the stream id usually comes first: a reply whose payload is bad can still fail its request at once
            throw e.inStream(streamId);
        }
        return new IotmpMessage(type, streamId, parameters, payload, resource, firstPsonWireType);
    }

    /** Stream ids are 16-bit; larger values are truncated as the reference decoders do. */
    private static int streamIdOf(Object value, WireReader reader, int keyStart) {
        if (value instanceof Number n) {
            return (int) (n.longValue() & 0xFFFF);
        }
        throw reader.errorAt("stream id is not an integer", keyStart);
    }
}
