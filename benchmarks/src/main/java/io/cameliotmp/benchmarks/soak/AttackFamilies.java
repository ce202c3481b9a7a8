package io.cameliotmp.benchmarks.soak;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * What the families of one protocol share with {@link Attacks}, which runs them: the server's address, the counts of
 * attempts and of the server's refusals, whether the attacks still run, and the sockets to close when they stop.
 */
abstract class AttackFamilies {

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
}
