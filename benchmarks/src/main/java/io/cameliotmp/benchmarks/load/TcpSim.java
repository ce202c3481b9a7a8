package io.cameliotmp.benchmarks.load;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the TCP device simulators share: connecting N devices with a bounded number of handshakes in flight,
 * periodic keep-alives, streaming pre-encoded samples under TCP back-pressure, and going silent.
 */
abstract class TcpSim implements LoadGenerator.Sim {

    final Args args;
    final int devices;
    final int sources;
    final int port;
    final String host;
    /** Device names are PREFIX + index: load generators of one run use different prefixes. */
    final String prefix;
    /** Keep-alive announced to the server in seconds (0: announce none, the server's default applies). */
    final int keepAliveSeconds;
    /** How often a device sends a keep-alive. */
    final long keepAliveEveryMillis;
    final int batchSamples;
    /** Offered samples/s over all devices; 0 = as fast as TCP lets them. */
    final double ingestRate;
    final ByteCounter bytes = new ByteCounter();
    final Dev[] devs;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final Recorder connectLatency = new Recorder(3);
    private final LongAdder connectFailures = new LongAdder();
    final LongAdder disconnects = new LongAdder();
    private Semaphore handshakes;
    private CountDownLatch settledAll;
    private volatile CountDownLatch pumpsDone;
    private volatile int streamingDevices = 1;

    TcpSim(Args args) {
        this.args = args;
        this.devices = args.integer("devices", 100);
        this.sources = args.integer("sources", 10);
        this.port = args.integer("port", 25204);
        this.host = args.str("host", "127.0.0.1");
        this.prefix = args.str("prefix", "dev-");
        this.keepAliveSeconds = args.integer("ka", 0);
        this.keepAliveEveryMillis = args.lng("kaEveryMillis", 30_000);
        this.batchSamples = args.integer("batch", 32);
        this.ingestRate = args.dbl("ingestRate", 0);
        this.devs = new Dev[devices];
        this.group = new EpollEventLoopGroup(args.integer("threads", 2));
        this.bootstrap = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000);
    }

    /** Adds the protocol's codec and a handler that calls {@link #settle} once the device is authenticated. */
    abstract void initPipeline(ChannelPipeline pipeline, Dev dev);

    abstract void writeKeepAlive(Dev dev);

    /** {@link #batchSamples} samples of this device, encoded back to back, or null if it may not stream yet. */
    abstract ByteBuf sampleBatch(Dev dev);

    @Override
    public Map<String, Object> connect() throws Exception {
        handshakes = new Semaphore(args.integer("window", 200));
        settledAll = new CountDownLatch(devices);
        long start = System.nanoTime();
        for (int i = 0; i < devices; i++) {
            handshakes.acquire();
            Dev dev = new Dev(i, prefix);
            devs[i] = dev;
            dev.connectStart = System.nanoTime();
            Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast("bytes", bytes);
                    initPipeline(ch.pipeline(), dev);
                }
            });
            b.connect(new InetSocketAddress(host, port),
                    new InetSocketAddress(LoadGenerator.sourceAddress(i, sources), 0)).addListener(f -> {
                        if (!f.isSuccess()) {
                            settle(dev, false);
                        }
                    });
        }
        boolean all = settledAll.await(args.lng("connectTimeoutSeconds", 300), TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram h = connectLatency.getIntervalHistogram();
        long ok = h.getTotalCount();
        return Proto.map("connected", ok, "failures", devices - ok, "connectSeconds", seconds,
                "connectRate", ok / seconds, "allSettled", all,
                "connectP50ms", h.getValueAtPercentile(50) / 1e6, "connectP99ms", h.getValueAtPercentile(99) / 1e6,
                "connectMaxms", h.getMaxValue() / 1e6,
                "bytesOut", bytes.out.sum(), "bytesIn", bytes.in.sum());
    }

    /** Called on the device's event loop when the handshake ended, either way; only the first call counts. */
    void settle(Dev dev, boolean ok) {
        if (dev.settled) {
            return;
        }
        dev.settled = true;
        if (ok) {
            dev.connected = true;
            connectLatency.recordValue(System.nanoTime() - dev.connectStart);
            long every = keepAliveEveryMillis;
            dev.ch.eventLoop().scheduleAtFixedRate(() -> {
                if (!dev.silent && dev.ch.isActive()) {
                    writeKeepAlive(dev);
                    dev.lastWrite = System.nanoTime();
                }
            }, ThreadLocalRandom.current().nextLong(every), every, TimeUnit.MILLISECONDS);
        } else {
            connectFailures.increment();
        }
        handshakes.release();
        settledAll.countDown();
    }

    /** Called on the event loop when the channel closed. */
    void closed(Dev dev) {
        dev.closedAt = System.nanoTime();
        if (dev.connected) {
            disconnects.increment();
        }
        if (!dev.settled) {
            settle(dev, false);
        }
        if (dev.pumping) {
            dev.pumping = false;
            pumpsDone.countDown();
        }
    }

    // ---- ingest

    @Override
    public Map<String, Object> go(double seconds) throws Exception {
        List<Dev> streaming = new ArrayList<>();
        for (Dev d : devs) {
            if (d != null && d.connected && d.ch.isActive() && sampleBatch(d) != null) {
                streaming.add(d);
            }
        }
        pumpsDone = new CountDownLatch(streaming.size());
        streamingDevices = Math.max(1, streaming.size());
        long before = sentTotal();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long out0 = bytes.out.sum();
        for (Dev d : streaming) {
            long begin = System.nanoTime();
            d.ch.eventLoop().execute(() -> {
                d.pumpStart = begin;
                d.pumpSent = 0;
                d.pumpEnd = end;
                d.pumping = true;
                pump(d);
            });
        }
        pumpsDone.await((long) seconds + 30, TimeUnit.SECONDS);
        long sent = sentTotal() - before;
        return Proto.map("streamingDevices", streaming.size(), "samples", sent, "seconds", seconds,
                "rate", sent / seconds, "offeredRate", ingestRate, "samplesTotal", sentTotal(),
                "bytesOut", bytes.out.sum() - out0,
                "disconnects", disconnects.sum());
    }

    long sentTotal() {
        long s = 0;
        for (Dev d : devs) {
            if (d != null) {
                s += d.sent.get();
            }
        }
        return s;
    }

    /** Writes batches while the channel is writable; resumed by the writability change. Event loop only. */
    void pump(Dev d) {
        if (!d.pumping) {
            return;
        }
        ByteBuf batch = sampleBatch(d);
        int writes = 0;
        boolean paced = false;
        while (d.ch.isWritable() && writes < 8) {
            long now = System.nanoTime();
            if (now >= d.pumpEnd) {
                d.pumping = false;
                d.ch.flush();
                pumpsDone.countDown();
                return;
            }
            if (ingestRate > 0 && d.pumpSent >= (now - d.pumpStart) / 1e9 * ingestRate / streamingDevices) {
                paced = true;
                break;
            }
            d.pumpSent += batchSamples;
            d.ch.write(batch.retainedDuplicate(), d.ch.voidPromise());
            d.sent.addAndGet(batchSamples);
            writes++;
        }
        d.ch.flush();
        d.lastWrite = System.nanoTime();
        if (paced) {
            d.ch.eventLoop().schedule(() -> pump(d), 1, TimeUnit.MILLISECONDS);
        } else if (d.ch.isWritable()) {
            d.ch.eventLoop().execute(() -> pump(d));
        }
    }

    /** The handlers call this from channelWritabilityChanged. */
    void writable(Dev d) {
        if (d.pumping && d.ch.isWritable()) {
            pump(d);
        }
    }

    // ---- hold

    @Override
    public Map<String, Object> hold(double seconds) throws Exception {
        long d0 = disconnects.sum();
        Thread.sleep((long) (seconds * 1000));
        long active = 0;
        for (Dev d : devs) {
            if (d != null && d.connected && d.ch.isActive()) {
                active++;
            }
        }
        return Proto.map("heldSeconds", seconds, "disconnectsDuringHold", disconnects.sum() - d0,
                "stillConnected", active, "bytesOut", bytes.out.sum(), "bytesIn", bytes.in.sum());
    }

    // ---- dead peers

    @Override
    public Map<String, Object> silence(double seconds) throws Exception {
        CountDownLatch quiet = new CountDownLatch(devices);
        for (Dev d : devs) {
            if (d == null || d.ch == null) {
                quiet.countDown();
                continue;
            }
            d.ch.eventLoop().execute(() -> {
                d.silent = true;
                quiet.countDown();
            });
        }
        quiet.await(10, TimeUnit.SECONDS);
        long silencedAt = System.nanoTime();
        long deadline = silencedAt + (long) (seconds * 1e9);
        while (System.nanoTime() < deadline) {
            boolean any = false;
            for (Dev d : devs) {
                if (d != null && d.connected && d.closedAt == 0) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                break;
            }
            Thread.sleep(20);
        }
        Histogram h = new Histogram(3);
        long open = 0;
        long watched = 0;
        for (Dev d : devs) {
            if (d == null || !d.connected) {
                continue;
            }
            watched++;
            if (d.closedAt == 0) {
                open++;
            } else {
                h.recordValue(Math.max(0, d.closedAt - d.lastWrite));
            }
        }
        return Proto.map("devices", watched, "closed", h.getTotalCount(), "stillOpen", open,
                "ka", keepAliveSeconds,
                "closeAfterLastByteMinMs", h.getMinValue() / 1e6,
                "closeAfterLastByteP50Ms", h.getValueAtPercentile(50) / 1e6,
                "closeAfterLastByteP99Ms", h.getValueAtPercentile(99) / 1e6,
                "closeAfterLastByteMaxMs", h.getMaxValue() / 1e6);
    }

    @Override
    public Map<String, Object> stats() {
        return Proto.map("bytesOut", bytes.out.sum(), "bytesIn", bytes.in.sum(), "disconnects", disconnects.sum());
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** One simulated device. Fields are touched on its event loop, except where volatile. */
    static final class Dev {
        final int index;
        Channel ch;
        long connectStart;
        boolean settled;
        volatile boolean connected;
        volatile long closedAt;
        volatile long lastWrite;
        volatile boolean silent;
        volatile boolean pumping;
        long pumpEnd;
        long pumpStart;
        long pumpSent;
        final AtomicLong sent = new AtomicLong();
        int streamId;
        ByteBuf batch;

        final String name;

        Dev(int index, String prefix) {
            this.index = index;
            this.name = prefix + index;
        }

        String name() {
            return name;
        }
    }
}
