package io.cameliotmp.server;

/**
 * The estimated heap of each frame queued for a connection's executor, oldest first: frames are handled in the order
 * they were read. Not thread-safe: {@link FlowControl} uses it under its lock.
 * <p>
 * The oldest weight has a field of its own and the others a ring that grows when full; the frames it counts are
 * bounded by the connection's pause bound plus one, so the ring stays small. A connection whose frames are handled
 * one at a time (an idle device's keep-alives, the answers of calls) never needs the ring and so holds no array:
 * idle devices are most of what a server holds. Once made, the ring is kept, so a device that streams does not
 * allocate it again after every drain.
 */
final class QueuedFrameWeights {

    private static final long[] NONE = new long[0];
    private static final int FIRST_CAPACITY = 4;

    private long oldest;
    /** The weights after the oldest, a ring from {@code head}. */
    private long[] later = NONE;
    private int head;
    private int size;

    void add(long weight) {
        if (size == 0) {
            oldest = weight;
            size = 1;
            return;
        }
        int queuedLater = size - 1;
        if (queuedLater == later.length) {
            long[] grown = new long[Math.max(FIRST_CAPACITY, later.length * 2)];
            for (int i = 0; i < queuedLater; i++) {
                grown[i] = later[(head + i) % later.length];
            }
            later = grown;
            head = 0;
        }
        later[(head + queuedLater) % later.length] = weight;
        size++;
    }

    /** Removes and returns the oldest weight; 0 when nothing is queued. */
    long poll() {
        if (size == 0) {
            return 0;
        }
        long weight = oldest;
        size--;
        if (size > 0) {
            oldest = later[head];
            head = (head + 1) % later.length;
        }
        return weight;
    }

    /** Whether the ring was made: only once two frames were queued at the same time. */
    boolean holdsArray() {
        return later != NONE;
    }
}
