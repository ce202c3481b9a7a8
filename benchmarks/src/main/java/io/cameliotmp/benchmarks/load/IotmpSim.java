package io.cameliotmp.benchmarks.load;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrameCodec;
import io.cameliotmp.protocol.IotmpFrames;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.PsonFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;

/**
 * Simulated gen-2 IOTMP devices (the project's frame codec, strict device-side decoding): CONNECT with
 * {@code [user, device, credential]} (plus {@code {"ka":n}} when a keep-alive is announced), {@code 05 00}
 * keep-alives, an {@code echo} resource answering every RUN with its input, and a {@code sample} resource that
 * streams the F23 sample {"temperature":23.5,"humidity":60} (a 35-byte STREAM_DATA frame) once the server opened a
 * stream on it.
 */
final class IotmpSim extends TcpSim {

    IotmpSim(Args args) {
        super(args);
    }

    @Override
    void initPipeline(ChannelPipeline pipeline, Dev dev) {
        pipeline.addLast("codec", new IotmpFrameCodec(Generation.GEN2, false, IotmpFrames.DEFAULT_MAX_FRAME_SIZE,
                PsonFormat.DEFAULT_MAX_DEPTH));
        pipeline.addLast("device", new Handler(dev));
    }

    @Override
    void writeKeepAlive(Dev dev) {
        dev.ch.writeAndFlush(IotmpMessage.KEEP_ALIVE, dev.ch.voidPromise());
    }

    @Override
    ByteBuf sampleBatch(Dev dev) {
        return dev.batch;
    }

    static ByteBuf batchOf(int streamId, int samples) {
        ByteBuf buf = Unpooled.directBuffer(64 * samples);
        for (int i = 0; i < samples; i++) {
            IotmpFrames.encode(IotmpMessage.streamData(streamId, ServerMain.INPUT), Generation.GEN2, buf);
        }
        return buf;
    }

    private final class Handler extends SimpleChannelInboundHandler<IotmpMessage> {
        private final Dev dev;
        private final int connectId = 1 + ThreadLocalRandom.current().nextInt(0xFFFE);

        Handler(Dev dev) {
            this.dev = dev;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            dev.ch = ctx.channel();
            Object params = keepAliveSeconds > 0 ? Map.of("ka", keepAliveSeconds) : null;
            ctx.writeAndFlush(IotmpMessage.of(MessageType.CONNECT, connectId, params,
                    List.of(ServerMain.USER, dev.name(), ServerMain.CREDENTIAL), null), ctx.voidPromise());
            dev.lastWrite = System.nanoTime();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, IotmpMessage m) {
            if (!dev.settled) {
                boolean ok = m.type() == MessageType.OK && m.streamId() == connectId;
                settle(dev, ok);
                if (!ok) {
                    ctx.close();
                }
                return;
            }
            if (dev.silent) {
                return;
            }
            switch (m.type()) {
                case RUN -> reply(ctx, IotmpMessage.ok(m.streamId(), m.payload()));
                case START_STREAM -> {
                    dev.streamId = m.streamId();
                    if (dev.batch != null) {
                        dev.batch.release();
                    }
                    dev.batch = batchOf(dev.streamId, batchSamples);
                    ctx.write(IotmpMessage.ok(m.streamId()), ctx.voidPromise());
                    // the echo every device sends after its OK (IOTMP §7.2): counted as a sample
                    reply(ctx, IotmpMessage.streamData(m.streamId(), ServerMain.INPUT));
                    dev.sent.incrementAndGet();
                }
                case STOP_STREAM -> {
                    if (m.streamId() == dev.streamId) {
                        dev.streamId = 0;
                        dev.pumping = false;
                    }
                    reply(ctx, IotmpMessage.ok(m.streamId()));
                }
                case DESCRIBE -> reply(ctx, IotmpMessage.ok(m.streamId(),
                        Map.of("echo", Map.of("fn", 4), "sample", Map.of("fn", 3))));
                default -> {
                }
            }
        }

        private void reply(ChannelHandlerContext ctx, IotmpMessage m) {
            ctx.writeAndFlush(m, ctx.voidPromise());
            dev.lastWrite = System.nanoTime();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            writable(dev);
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed(dev);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
