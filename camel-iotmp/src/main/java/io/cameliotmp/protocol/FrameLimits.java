package io.cameliotmp.protocol;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds a {@link FrameCodec} reads frames within. A server makes one and gives it to the codec of every
 * connection: the bounds are the server's, and a codec that copied them would hold them once for every device
 * connected, most of which only keep alive.
 *
 * @param maxFrameSizeBeforeLogin largest body accepted until the codec is told the peer is authenticated (at most
 *                                {@code maxFrameSize} is used)
 * @param maxFrameSize            largest body accepted afterwards
 * @param maxDepth                deepest nesting of containers in a decoded body
 * @param maxDecodedFrameBytes    estimated heap the values of one body may take, see {@link BodyReader}
 * @param frameReadTimeout        how long a started frame may take to arrive completely, or null (or not positive)
 *                                for no limit; a timer checks it, so a sender that stalls or drips bytes to look
 *                                alive is cut off either way
 * @param budget                  where frames that do not arrive in one read reserve their length
 */
public record FrameLimits(int maxFrameSizeBeforeLogin, int maxFrameSize, int maxDepth, long maxDecodedFrameBytes,
                          Duration frameReadTimeout, PartialFrameBudget budget) {

    /**
     * The default of {@code maxDecodedFrameBytes} for servers and device clients alike, one constant so the two sides
     * cannot drift apart.
     */
    public static final long DEFAULT_MAX_DECODED_FRAME_BYTES = 4L * 1024 * 1024;

    public FrameLimits {
        Objects.requireNonNull(budget, "budget");
    }

    /** Frames up to {@code maxFrameSize} from the start, no time limit and no shared budget: device clients, tools. */
    public static FrameLimits unbounded(int maxFrameSize, int maxDepth) {
        return new FrameLimits(maxFrameSize, maxFrameSize, maxDepth, Long.MAX_VALUE, null,
                PartialFrameBudget.UNLIMITED);
    }

    /** The frame read timeout in nanoseconds, 0 or less for none. */
    long frameReadTimeoutNanos() {
        return frameReadTimeout == null ? 0 : frameReadTimeout.toNanos();
    }
}
