package io.cameliotmp.server;

/**
 * The estimated heap of each frame queued for a connection's executor, oldest first: frames are handled in the order
 * they were read. A ring that grows when full; the frames it counts are bounded by the connection's pause bound plus
 * one, so it stays small. Not thread-safe: {@link FlowControl} uses it under its lock.
 * <p>
 * The ring's array exists only while frames are queued. An idle device is what a server holds most of, so it should
 * not keep an array for a queue that is empty between its keep-alives. Dropping the array when the queue drains costs
 * one small allocation the next time a frame is queued, no more often than the executor is woken for the
 * connection, which costs far more.
 */
final class QueuedFrameWeights {

    private static final long[] NONE = new long[0];
    private static final int FIRST_CAPACITY = 4;

    private long[] weights = NONE;
    private int head;
    private int size;

    void add(long weight) {
        if (size == weights.length) {
            long[] grown = new long[Math.max(FIRST_CAPACITY, weights.length * 2)];
            for (int i = 0; i < size; i++) {
                grown[i] = weights[(head + i) % weights.length];
            }
            weights = grown;
            head = 0;
        }
        weights[(head + size) % weights.length] = weight;
        size++;
    }

    /** Removes and returns the oldest weight; 0 when nothing is queued. */
    long poll() {
        if (size == 0) {
            return 0;
        }
        long weight = weights[head];
        size--;
        if (size == 0) {
            weights = NONE;
            head = 0;
        } else {
            head = (head + 1) % weights.length;
        }
        return weight;
    }

    /** Whether the ring holds an array now: only while frames are queued. */
    boolean holdsArray() {
        return weights != NONE;
    }
}
