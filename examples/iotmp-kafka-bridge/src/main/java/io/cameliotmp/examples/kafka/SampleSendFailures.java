package io.cameliotmp.examples.kafka;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Exchange;
import org.apache.camel.util.ObjectHelper;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples Kafka did not take (down, unreachable, refusing): dropped and counted, and logged once per outage, a
 * warning when sending starts failing and a line with the count when it works again. Camel's error handler and the
 * stream consumer logged each failed exchange with its stack trace: devices streaming through an outage filled the
 * log at the rate they stream. Bucket writes are not counted here: each fails back to its device, which keeps the
 * data.
 */
public final class SampleSendFailures {

    /** Exchange property: how many samples the exchange carries (a batch's records); 1 when not set. */
    static final String SAMPLES = "iotmpBridgeSamples";

    private static final Logger LOG = LoggerFactory.getLogger(SampleSendFailures.class);

    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedInOutage = new AtomicLong();
    private final AtomicLong outages = new AtomicLong();
    private final AtomicLong tooLarge = new AtomicLong();

    /** A send failed: the exchange's sample, or each record of its batch, is dropped. */
    void failed(Exchange exchange) {
        // counted as the batch is made: its body is an iterator of the records, used up by the send
        int samples = exchange.getProperty(SAMPLES, 1, Integer.class);
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (ObjectHelper.getException(RecordTooLargeException.class, failure) != null) {
            tooLarge(failure);
            return;
        }
        dropped.addAndGet(samples);
        droppedInOutage.addAndGet(samples);
        if (failing.compareAndSet(false, true)) {
            outages.incrementAndGet();
            LOG.warn("Sending samples to Kafka failed ({}): they are dropped until it takes them again",
                    String.valueOf(failure));
        } else {
            LOG.debug("Dropped {} samples Kafka did not take: {}", samples, String.valueOf(failure));
        }
    }

    /**
     * Kafka refused a record for its size: that sample is dropped, and Kafka works. Counted as an outage, it started
     * one that the next sample ended, two log lines per sample of a device streaming large samples among small ones.
     * In a batch, the other records were sent: the batch counts one sample dropped.
     */
    private void tooLarge(Exception failure) {
        dropped.incrementAndGet();
        if (tooLarge.getAndIncrement() == 0) {
            LOG.warn("Kafka refused a sample for its size ({}): such samples are dropped and counted, logged at DEBUG"
                     + " from now on", String.valueOf(failure));
        } else {
            LOG.debug("Dropped a sample larger than Kafka takes: {}", String.valueOf(failure));
        }
    }

    /** A send went through: an outage, if there was one, is over. */
    void sent() {
        if (failing.compareAndSet(true, false)) {
            LOG.info("Sending samples to Kafka works again; {} samples were dropped meanwhile",
                    droppedInOutage.getAndSet(0));
        }
    }

    /** How many samples were dropped since the bridge started. */
    public long dropped() {
        return dropped.get();
    }

    /** How many samples (or batches with one) Kafka refused for their size since the bridge started. */
    public long tooLarge() {
        return tooLarge.get();
    }

    /** How many times sending started failing after it had worked (or from the start). */
    public long outages() {
        return outages.get();
    }
}
