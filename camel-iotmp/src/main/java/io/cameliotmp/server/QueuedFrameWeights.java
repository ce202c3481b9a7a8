package io.cameliotmp.server;

/**
 * The estimated heap of each frame queued for a connection's executor, oldest first: frames are handled in the order
 * they were read. A ring that grows when full; the frames it counts are bounded by the connection's pause bound plus
 * one, so it stays small. Not thread-safe: {@link FlowControl} uses it under its lock.
 */
final class QueuedFrameWeights {

    private long[] weights = new long[8];
    private int head;
    private int size;

    void add(long weight) {
        if (size == weights.length) {
            long[] grown = new long[weights.length * 2];
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
        head = (head + 1) % weights.length;
        size--;
        return weight;
    }
}
