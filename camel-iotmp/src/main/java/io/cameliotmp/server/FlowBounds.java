package io.cameliotmp.server;

import java.util.function.LongSupplier;

/**
 * The bounds of a server's {@link FlowControl}: one object for all its connections rather than fields copied into
 * each.
 *
 * @param maxInFlight frames queued and deliveries busy at which reading pauses
 * @param maxBytes    estimated heap of queued frames and busy deliveries at which reading pauses
 * @param policy      whether reading pauses at {@code maxInFlight} or samples are dropped beyond it
 * @param serverBytes what all connections of the server hold, for the metric; each counts there from its
 *                    creation until its channel has closed and it holds nothing
 * @param nanoClock   where the devices' activity and silence are read from: {@code System::nanoTime} but in
 *                    tests
 */
record FlowBounds(int maxInFlight, long maxBytes, BackpressurePolicy policy, InFlightBytes serverBytes,
                  LongSupplier nanoClock) {
}
