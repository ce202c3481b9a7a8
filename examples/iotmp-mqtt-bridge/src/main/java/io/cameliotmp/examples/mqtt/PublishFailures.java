package io.cameliotmp.examples.mqtt;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples and {@code set} results the broker did not take (gone, hung, refusing): dropped and counted, and logged
 * once per outage, a warning when publishing starts failing and a line with the count when it works again. Camel's
 * error handler logged each one with its stack trace: devices streaming through an outage filled the log at the rate
 * they stream.
 */
public final class PublishFailures {

    private static final Logger LOG = LoggerFactory.getLogger(PublishFailures.class);

    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedInOutage = new AtomicLong();
    private final AtomicLong outages = new AtomicLong();

    /** A publish failed: its message is dropped. */
    void failed(Exchange exchange) {
        dropped.incrementAndGet();
        droppedInOutage.incrementAndGet();
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (failing.compareAndSet(false, true)) {
            outages.incrementAndGet();
            LOG.warn("Publishing to the MQTT broker failed ({}): samples and set results are dropped until it takes"
                     + " them again", String.valueOf(failure));
        } else {
            LOG.debug("Dropped a message the MQTT broker did not take: {}", String.valueOf(failure));
        }
    }

    /** A publish went through: an outage, if there was one, is over. */
    void published() {
        if (failing.compareAndSet(true, false)) {
            LOG.info("Publishing to the MQTT broker works again; {} messages were dropped meanwhile",
                    droppedInOutage.getAndSet(0));
        }
    }

    /** How many messages were dropped since the bridge started. */
    public long dropped() {
        return dropped.get();
    }

    /** How many times publishing started failing after it had worked (or from the start). */
    public long outages() {
        return outages.get();
    }
}
