package io.cameliotmp.benchmarks.soak;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * What the families of one protocol share with {@link Attacks}, which runs them: the server's address, the counts of
 * attempts and of the server's refusals, whether the attacks still run, and the sockets to close when they stop; and
 * the loop of the families that hold connections stalled in a frame.
 */
class AttackFamilies {

    final String host;
    /** The port the families attack. */
    final int port;
    final AtomicLong attempts;
    final AtomicLong refused;
    final BooleanSupplier running;
    /** Closed by the attacks' stop: a family adds each socket it opens. */
    final List<AutoCloseable> resources;

    AttackFamilies(String host, int port, AtomicLong attempts, AtomicLong refused, BooleanSupplier running,
                   List<AutoCloseable> resources) {
        this.host = host;
        this.port = port;
        this.attempts = attempts;
        this.refused = refused;
        this.running = running;
        this.resources = resources;
    }

    /**
     * Keeps {@code connections} connections to the port open until the attacks stop, each from the address
     * {@code from} gives its place and holding the bytes {@code start} gives it (the start of a frame, never ended):
     * one the server closes (its deadline) counts as refused and is opened again; they are looked at every 200 ms.
     */
    void holdStalled(int connections, IntFunction<String> from, IntFunction<byte[]> start) throws IOException {
        List<SocketChannel> open = new ArrayList<>();
        ByteBuffer sink = ByteBuffer.allocate(4096);
        try {
            while (running.getAsBoolean()) {
                for (int i = 0; i < open.size(); i++) {
                    sink.clear();
                    int read;
                    try {
                        read = open.get(i).read(sink);
                    } catch (IOException e) {
                        read = -1;
                    }
                    if (read < 0) {
                        open.get(i).close();
                        if (running.getAsBoolean()) {
                            refused.incrementAndGet(); // else closed by the attacks' stop, not by the server
                        }
                        open.set(i, null);
                    }
                }
                open.removeIf(c -> c == null);
                while (open.size() < connections && running.getAsBoolean()) {
                    SocketChannel channel = SocketChannel.open();
                    resources.add(channel);
                    attempts.incrementAndGet();
                    try {
                        channel.bind(new InetSocketAddress(from.apply(open.size()), 0));
                        channel.connect(new InetSocketAddress(host, port));
                        channel.write(ByteBuffer.wrap(start.apply(open.size())));
                        channel.configureBlocking(false);
                        open.add(channel);
                    } catch (IOException e) {
                        refused.incrementAndGet();
                        channel.close();
                    }
                }
                Attacks.pause(200);
            }
        } finally {
            for (SocketChannel channel : open) {
                channel.close();
            }
        }
    }
}
