package io.cameliotmp.cluster;

import java.util.function.LongConsumer;

import io.cameliotmp.cluster.ClusteredRetained.RetainedRecord;

/**
 * A write of {@link ClusteredRetained} waiting: a record, or a clear ({@code record} null). Its room in the budget,
 * if it took any ({@code budgeted}), is given back once it is written or replaced. A class of its own, apart from
 * {@link ClusteredRetained}, only to keep that one short.
 */
final class RetainedWrite {

    private final String key;
    private final String topic;
    private final RetainedRecord record;
    /** The publishing connection, null for a route's. */
    final HolderRecord publisher;
    private final long cost;
    private boolean budgeted;
    /** This member's number of the write. */
    final long number;
    /** Told the number once the write is done, 0 if it is not; may be null. */
    final LongConsumer written;

    RetainedWrite(String key, String topic, RetainedRecord record, HolderRecord publisher, long cost, boolean budgeted,
          long number, LongConsumer written) {
        this.key = key;
        this.topic = topic;
        this.record = record;
        this.publisher = publisher;
        this.cost = cost;
        this.budgeted = budgeted;
        this.number = number;
        this.written = written;
    }

    String key() {
        return key;
    }

    String topic() {
        return topic;
    }

    RetainedRecord record() {
        return record;
    }

    /** Gives its room back, once. */
    void release(RelayBudget budget) {
        if (budgeted) {
            budgeted = false;
            budget.release(publisher == null ? null : publisher.deviceId(), cost);
        }
    }
}
