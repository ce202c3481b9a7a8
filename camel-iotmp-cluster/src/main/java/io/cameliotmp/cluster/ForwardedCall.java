package io.cameliotmp.cluster;

import io.cameliotmp.protocol.PsonFormat;
import io.cameliotmp.server.DeviceId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A forwarded call as it travels to the holder: which connection of which device (the holder checks the session
 * number against its own directory entry, so a call never reaches a newer connection than the caller saw), the
 * request, and its timeout. The calling member is the message's sender.
 * <p>
 * On the wire it is a run of PSON values, the encoding the device gets anyway: no class names and no per-message
 * descriptors, unlike Java serialization, and the values of a request arrive as the types a device's PSON decodes to.
 */
record ForwardedCall(String user, String device, long sessionNumber, ForwardedRequest request, long timeoutMillis) {

    /**
     * Nesting accepted when a member reads a call or an answer: members are authenticated peers, and the encoder
     * refuses deeper values anyway; the bound only keeps a corrupt message from overflowing the stack.
     */
    static final int MAX_DEPTH = 130;

    DeviceId deviceId() {
        return new DeviceId(user, device);
    }

    byte[] toBytes() {
        ForwardedRequest r = request;
        return encode((long) r.kind().ordinal(), user, device, sessionNumber, r.resource(), r.input(), r.parameters(),
                (long) r.streamId(), r.intervalMillis(), r.relay(), timeoutMillis);
    }

    static ForwardedCall fromBytes(byte[] bytes, int offset, int length) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes, offset, length);
        ForwardedRequest.Kind kind = ForwardedRequest.Kind.values()[(int) number(in)];
        String user = (String) next(in);
        String device = (String) next(in);
        long session = number(in);
        String resource = (String) next(in);
        Object input = next(in);
        Object parameters = next(in);
        int streamId = (int) number(in);
        long interval = number(in);
        long relay = number(in);
        long timeout = number(in);
        return new ForwardedCall(user, device, session,
                new ForwardedRequest(kind, resource, input, parameters, streamId, interval, relay), timeout);
    }

    /** The values one after the other, each in PSON. */
    static byte[] encode(Object... values) {
        int size = 0;
        for (Object value : values) {
            size += PsonFormat.V2.sizeOf(value);
        }
        byte[] bytes = new byte[size];
        ByteBuf out = Unpooled.wrappedBuffer(bytes);
        out.writerIndex(0);
        for (Object value : values) {
            PsonFormat.V2.encode(value, out);
        }
        return bytes;
    }

    static Object next(ByteBuf in) {
        return PsonFormat.V2.decode(in, MAX_DEPTH);
    }

    static long number(ByteBuf in) {
        return ((Number) next(in)).longValue();
    }
}
