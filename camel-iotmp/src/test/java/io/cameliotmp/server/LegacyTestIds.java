package io.cameliotmp.server;

import java.util.random.RandomGenerator;

/**
 * Legacy stream-id memories for tests: a server starts the ids of a device it does not know at random (see
 * {@link LegacyStreamIds}); one that starts them at a fixed id sends the ids the reference vectors carry.
 */
final class LegacyTestIds {

    private LegacyTestIds() {
    }

    /**
     * A memory of at most {@code maxDevices} devices that starts the ids of a device it does not know at
     * {@code first}.
     */
    static LegacyStreamIds startingAt(int first, int maxDevices) {
        return new LegacyStreamIds(maxDevices, fixed(first));
    }

    /** A memory of the default size whose ids, for a device it does not know, start at {@code first}. */
    static LegacyStreamIds startingAt(int first) {
        return startingAt(first, ServerLimits.DEFAULT_MAX_LEGACY_DEVICES_TRACKED);
    }

    /** "Draws" that make {@link LegacyStreamIds#fresh()} return {@code first}. */
    static RandomGenerator fixed(int first) {
        return new RandomGenerator() {
            @Override
            public int nextInt(int bound) {
                return first - 1;
            }

            @Override
            public long nextLong() {
                throw new UnsupportedOperationException("only nextInt(bound) is drawn");
            }
        };
    }
}
