package io.cameliotmp.server;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import io.cameliotmp.protocol.ForeignBytesException;
import io.cameliotmp.protocol.FrameCodec;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.legacy.LegacyFrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the two protocols apart by the first byte a device sends, and puts the right codec in its place: both are
 * client-first, a legacy device opens with a MESSAGE ({@code 01}, its AUTH), an IOTMP device with a CONNECT
 * ({@code 03}). Anything else closes the connection, refused as {@link ForeignBytes} (a TLS client on a plain port
 * opens with {@code 16}, a PROXY header with {@code P}). It never waits for more than one byte, and removes itself once
 * it has decided, handing on what it has read.
 * <p>
 * It is also the connection's {@link ConnectionCodec}, delegating to the codec it chose.
 */
final class ProtocolDetector extends ByteToMessageDecoder implements ConnectionCodec {

    private static final Logger LOG = LoggerFactory.getLogger(ProtocolDetector.class);

    static final int LEGACY_FIRST_BYTE = 0x01;
    static final int IOTMP_FIRST_BYTE = 0x03;

    /** Builds the chosen protocol's handlers after the detector; returns the codec the connection talks to. */
    interface Installer {
        ConnectionCodec install(ChannelHandlerContext detector);
    }

    private final Installer iotmp;
    private final Installer legacy;
    /** Told the first bytes (those read, at least one) of a peer that is neither; returns the reason it is closed. */
    private final Function<byte[], String> foreign;
    private ConnectionCodec chosen;
    /** Set on the detector before a codec is chosen, then handed to it. */
    private BooleanSupplier decodeGate;

    ProtocolDetector(Installer iotmp, Installer legacy, Function<byte[], String> foreign) {
        this.iotmp = iotmp;
        this.legacy = legacy;
        this.foreign = foreign;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable() || chosen != null) {
            return;
        }
        int first = in.getUnsignedByte(in.readerIndex());
        if (first == LEGACY_FIRST_BYTE) {
            chosen = legacy.install(ctx);
        } else if (first == IOTMP_FIRST_BYTE) {
            chosen = iotmp.install(ctx);
        } else {
            // what the peer is, from the bytes of this read: nothing more is awaited to tell
            byte[] head = new byte[Math.min(in.readableBytes(), ForeignBytesException.MAX_HEAD)];
            in.getBytes(in.readerIndex(), head);
            String reason = foreign.apply(head);
            LOG.debug("{}: first byte 0x{} is neither IOTMP nor legacy, closing: {}", DeviceAddress.of(ctx.channel()),
                    Integer.toHexString(first), reason);
            in.skipBytes(in.readableBytes());
            ctx.close();
            return;
        }
        if (decodeGate != null) {
            chosen.decodeGate(decodeGate);
        }
        // hands what is buffered to the codec just installed
        ctx.pipeline().remove(this);
    }

    @Override
    public Generation generation() {
        return chosen != null ? chosen.generation() : Generation.GEN2;
    }

    @Override
    public void generation(Generation generation) {
        if (chosen != null) {
            chosen.generation(generation);
        }
    }

    @Override
    public void authenticated() {
        if (chosen != null) {
            chosen.authenticated();
        }
    }

    @Override
    public void decodeGate(BooleanSupplier gate) {
        decodeGate = gate;
        if (chosen != null) {
            chosen.decodeGate(gate);
        }
    }

    @Override
    public void resumeDecoding() {
        if (chosen != null) {
            chosen.resumeDecoding();
        }
    }

    @Override
    public long lastFrameWeight() {
        return chosen != null ? chosen.lastFrameWeight() : 0;
    }

    /** The chosen protocol's codec, null before the first byte (hence the overrides above, which hold that state). */
    @Override
    public FrameCodec<?> frames() {
        return chosen != null ? chosen.frames() : null;
    }

    /** The IOTMP codec after {@code detector}, named {@code codec}. */
    static Installer iotmp(ConnectionAdmission.AdmittedCodec codec) {
        return detector -> {
            detector.pipeline().addAfter(detector.name(), DevicePipeline.CODEC, codec);
            return codec;
        };
    }

    /** The legacy codec ({@code codec}) and its adapter ({@code legacy}) after {@code detector}. */
    static Installer legacy(LegacyFrameCodec codec, LegacyAdapter adapter) {
        return detector -> {
            detector.pipeline().addAfter(detector.name(), DevicePipeline.CODEC, codec);
            detector.pipeline().addAfter(DevicePipeline.CODEC, DevicePipeline.LEGACY, adapter);
            return adapter;
        };
    }
}
