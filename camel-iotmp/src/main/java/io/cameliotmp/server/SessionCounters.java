package io.cameliotmp.server;

/**
 * Counters of one connection at one moment.
 *
 * @param samplesDropped samples discarded by {@link BackpressurePolicy#DROP_SAMPLES}; never silent
 * @param inFlight       samples and calls handed to handlers and not finished yet
 * @param readingPaused  whether the server stopped reading this device because of {@code inFlight}
 * @param bytesIn        bytes read from the device's socket, TLS and WebSocket framing included
 * @param bytesOut       bytes written to the device's socket, TLS and WebSocket framing included
 * @param staleSamplesDropped samples of a legacy device on stream ids of one of its earlier connections, dropped
 * @param legacyFramesIgnored frames a legacy device sent after its AUTH was answered that the server ignored (flags
 *                            devices never send, answers nobody waits for, unknown types; stale samples apart)
 */
public record SessionCounters(long framesIn, long framesOut, long samplesIn, long samplesDropped,
                              long malformedFrames, int inFlight, boolean readingPaused, long bytesIn,
                              long bytesOut, long staleSamplesDropped, long legacyFramesIgnored) {
}
