package io.cameliotmp.benchmarks.load;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Message;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.serialization.UdpDataParser;
import org.eclipse.californium.core.network.serialization.UdpDataSerializer;

/**
 * Simulated CoAP devices: one UDP socket each on 127.0.0.x:(devicePort + n) on Netty, messages built and parsed by
 * Californium's serializer. A device is a CoAP server for the {@code echo} resource (a route calls it: the answer
 * is a piggybacked 2.05 with the request's payload) and a CoAP client for ingest: confirmable POSTs of the 34-byte
 * JSON sample to the route's {@code /bench/sample}, up to {@code coapWindow} unanswered at a time per device.
 * CoAP has no connections: hold and dead-peer scenarios do not apply.
 */
final class CoapSim implements LoadGenerator.Sim {

    private static final ThreadLocal<UdpDataParser> PARSER = ThreadLocal.withInitial(UdpDataParser::new);
    private static final ThreadLocal<UdpDataSerializer> SERIALIZER = ThreadLocal.withInitial(UdpDataSerializer::new);

    private final int devices;
    private final int sources;
    private final int devicePort;
    private final InetSocketAddress server;
    private final int window;
    private final EventLoopGroup group;
    private final ByteCounter bytes = new ByteCounter();
    private final Dev[] devs;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();

    CoapSim(Args args) {
        devices = args.integer("devices", 100);
        sources = args.integer("sources", 10);
        devicePort = args.integer("devicePort", 27000);
        server = new InetSocketAddress(args.str("host", "127.0.0.1"), args.integer("port", 5684));
        window = args.integer("coapWindow", 8);
        group = new EpollEventLoopGroup(args.integer("threads", 2));
        devs = new Dev[devices];
    }

    static String address(int device, int sources) {
        return LoadGenerator.sourceAddress(device, sources);
    }

    @Override
    public Map<String, Object> connect() throws Exception {
        long start = System.nanoTime();
        int bound = 0;
        for (int i = 0; i < devices; i++) {
            Dev dev = new Dev(i);
            devs[i] = dev;
            Channel ch = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel c) {
                            c.pipeline().addLast(bytes, new Handler(dev));
                        }
                    })
                    .bind(address(i, sources), devicePort + i).syncUninterruptibly().channel();
            dev.ch = ch;
            bound++;
        }
        double s = (System.nanoTime() - start) / 1e9;
        return Proto.map("connected", bound, "failures", devices - bound, "connectSeconds", s,
                "note", "CoAP is connectionless: devices only bind their UDP sockets");
    }

    @Override
    public Map<String, Object> go(double seconds) throws Exception {
        CountDownLatch done = new CountDownLatch(devices);
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long sent0 = sentTotal();
        long acked0 = acked.get();
        long out0 = bytes.out.sum();
        for (Dev d : devs) {
            d.ch.eventLoop().execute(() -> {
                d.end = end;
                d.done = done;
                d.lastProgress = System.nanoTime();
                d.fill();
                d.watch();
            });
        }
        done.await((long) seconds + 30, TimeUnit.SECONDS);
        long sent = sentTotal() - sent0;
        return Proto.map("streamingDevices", devices, "samples", sent, "seconds", seconds, "rate", sent / seconds,
                "acked", acked.get() - acked0, "timedOut", timedOut.get(), "samplesTotal", sentTotal(),
                "bytesOut", bytes.out.sum() - out0);
    }

    private long sentTotal() {
        long s = 0;
        for (Dev d : devs) {
            s += d.sent;
        }
        return s;
    }

    @Override
    public Map<String, Object> hold(double seconds) {
        return Proto.map("notApplicable", "CoAP is connectionless");
    }

    @Override
    public Map<String, Object> silence(double seconds) {
        return Proto.map("notApplicable", "CoAP is connectionless");
    }

    @Override
    public Map<String, Object> stats() {
        return Proto.map("bytesOut", bytes.out.sum(), "bytesIn", bytes.in.sum(), "acked", acked.get());
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private final class Dev {
        final int index;
        Channel ch;
        volatile long sent;
        int inFlight;
        int mid;
        long token;
        long end;
        long lastProgress;
        CountDownLatch done;
        boolean finished;

        Dev(int index) {
            this.index = index;
            this.mid = index * 97;
        }

        void fill() {
            if (finished) {
                return;
            }
            if (System.nanoTime() >= end) {
                if (inFlight == 0) {
                    finish();
                }
                return;
            }
            while (inFlight < window) {
                Request post = Request.newPost();
                post.setType(CoAP.Type.CON);
                mid = (mid + 1) & 0xFFFF;
                post.setMID(mid);
                post.setToken(longToBytes(++token));
                post.setURI("coap://" + server.getHostString() + ":" + server.getPort() + "/" + ServerMain.USER
                            + "/sample");
                post.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON);
                post.setPayload(ServerMain.SAMPLE_JSON);
                ByteBuf buf = Unpooled.wrappedBuffer(SERIALIZER.get().getByteArray(post));
                ch.write(new DatagramPacket(buf, server), ch.voidPromise());
                inFlight++;
                sent++;
            }
            ch.flush();
        }

        /** Without retransmission a lost datagram would shrink the window for good: give up on it after 500 ms. */
        void watch() {
            if (finished) {
                return;
            }
            if (inFlight > 0 && System.nanoTime() - lastProgress > 500_000_000L) {
                timedOut.addAndGet(inFlight);
                inFlight = 0;
                lastProgress = System.nanoTime();
                fill();
            }
            if (!finished) {
                ch.eventLoop().schedule(this::watch, 100, TimeUnit.MILLISECONDS);
            }
        }

        void finish() {
            finished = true;
            done.countDown();
        }
    }

    private static byte[] longToBytes(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Dev dev;

        Handler(Dev dev) {
            this.dev = dev;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            byte[] data = new byte[packet.content().readableBytes()];
            packet.content().readBytes(data);
            Message m;
            try {
                m = PARSER.get().parseMessage(data);
            } catch (RuntimeException e) {
                return;
            }
            if (m instanceof Request request) {
                Response response = new Response(CoAP.ResponseCode.CONTENT);
                response.setType(request.getType() == CoAP.Type.CON ? CoAP.Type.ACK : CoAP.Type.NON);
                response.setMID(request.getMID());
                response.setToken(request.getToken());
                response.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON);
                response.setPayload(request.getPayload());
                ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(SERIALIZER.get().getByteArray(response)),
                        packet.sender()), ctx.voidPromise());
            } else if (m instanceof Response && dev.done != null) {
                acked.incrementAndGet();
                dev.inFlight = Math.max(0, dev.inFlight - 1);
                dev.lastProgress = System.nanoTime();
                dev.fill();
            }
        }
    }
}
