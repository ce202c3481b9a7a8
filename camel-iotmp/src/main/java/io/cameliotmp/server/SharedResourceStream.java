package io.cameliotmp.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import io.cameliotmp.protocol.Generation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All subscriptions on one resource of one device, served by at most two device streams: one on-change stream for the
 * subscriptions that want every change, and one periodic stream at the greatest common divisor of the periodic
 * subscriptions' intervals (Thinger's approach), from which each subscription takes the samples that match its own
 * rate. A legacy device keeps one stream per resource (a second START_STREAM replaces the first, a STOP_STREAM names
 * the resource), so its resource gets one stream, at that divisor or on change when no subscription is periodic,
 * whose samples and events reach every subscription. Confined to the connection's executor.
 */
final class SharedResourceStream {

    private static final Logger LOG = LoggerFactory.getLogger(SharedResourceStream.class);

    private final ServerOpenedStreams streams;
    private final DeviceRegistration registration;
    private final String resource;
    /** Whether the device keeps one stream per resource, as legacy devices do: then only the periodic id is used. */
    private final boolean oneStream;
    private final List<Subscriber> subscribers = new ArrayList<>();
    private int eventStreamId;
    private int periodicStreamId;
    private long periodicInterval;

    SharedResourceStream(ServerOpenedStreams streams, DeviceRegistration registration, String resource) {
        this.streams = streams;
        this.registration = registration;
        this.resource = resource;
        this.oneStream = registration.generation() == Generation.LEGACY;
    }

    /**
     * Adds a subscription; the caller reconciles once after adding several. A subscription made while the device
     * connected is attached twice (once by the subscription, once by the connection's announcement): it is added once,
     * or its listener would get every sample twice. A closed one is not added.
     */
    void add(StreamSubscription subscription) {
        if (subscription.isClosed()) {
            return;
        }
        for (Subscriber s : subscribers) {
            if (s.subscription == subscription) {
                return;
            }
        }
        subscribers.add(new Subscriber(subscription, subscription.listener().forDevice(registration)));
    }

    /** Returns true when no subscription is left. */
    boolean remove(StreamSubscription subscription) {
        subscribers.removeIf(s -> s.subscription == subscription);
        reconcile();
        return subscribers.isEmpty();
    }

    /** The subscriptions a device stream of this resource serves: on change, or periodic; none for other ids. */
    List<StreamSubscription> subscriptionsOf(int streamId) {
        if (streamId == 0 || streamId != eventStreamId && streamId != periodicStreamId) {
            return List.of();
        }
        boolean onChange = streamId == eventStreamId;
        List<StreamSubscription> served = new ArrayList<>();
        for (Subscriber s : subscribers) {
            if (oneStream || onChange == (s.subscription.intervalMillis() == 0)) {
                served.add(s.subscription);
            }
        }
        return served;
    }

    /** Opens, replaces or stops device streams so they serve exactly the current subscriptions. */
    void reconcile() {
        boolean wantsEvents = false;
        long gcd = 0;
        for (Subscriber s : subscribers) {
            long interval = s.subscription.intervalMillis();
            if (interval == 0) {
                wantsEvents = true;
            } else {
                gcd = gcd(gcd, interval);
            }
        }
        if (oneStream) {
            reconcileOneStream(!subscribers.isEmpty(), gcd);
            return;
        }
        if (wantsEvents && eventStreamId == 0) {
            eventStreamId = open(0, this::onEventSample);
        } else if (!wantsEvents && eventStreamId != 0) {
            streams.deliverOnIoThread(eventStreamId, null);
            streams.stopIfOpen(eventStreamId);
            eventStreamId = 0;
        }
        publishIoThreadListeners();
        if (gcd != periodicInterval) {
            if (periodicStreamId != 0) {
                streams.stopIfOpen(periodicStreamId);
                periodicStreamId = 0;
            }
            periodicInterval = gcd;
            if (gcd > 0) {
                periodicStreamId = open(gcd, this::onPeriodicSample);
            }
        }
    }

    /**
     * The one stream of a device that keeps one per resource, replaced when its interval changes: stopped first, since
     * a STOP_STREAM by resource after the new START_STREAM would stop the new stream.
     */
    private void reconcileOneStream(boolean wanted, long interval) {
        if (periodicStreamId != 0 && (!wanted || interval != periodicInterval)) {
            streams.stopIfOpen(periodicStreamId);
            periodicStreamId = 0;
        }
        periodicInterval = interval;
        if (wanted && periodicStreamId == 0) {
            periodicStreamId = open(interval, this::onOneStreamSample);
        }
    }

    /**
     * When every on-change subscriber takes samples on the I/O thread, the on-change stream's samples skip the hop to
     * the connection's executor; one subscriber that does not keeps them all on the executor.
     */
    private void publishIoThreadListeners() {
        if (eventStreamId == 0) {
            return;
        }
        List<ServerOpenedStreams.IoThreadListener> onChange = new ArrayList<>(subscribers.size());
        for (Subscriber s : subscribers) {
            if (s.subscription.intervalMillis() == 0) {
                if (!s.listener.acceptsSamplesOnIoThread()) {
                    streams.deliverOnIoThread(eventStreamId, null);
                    return;
                }
                onChange.add(new ServerOpenedStreams.IoThreadListener(s.subscription, s.listener));
            }
        }
        streams.deliverOnIoThread(eventStreamId, onChange.toArray(new ServerOpenedStreams.IoThreadListener[0]));
    }

    private int open(long interval, Function<StreamSample, CompletionStage<Void>> onSample) {
        // the id is known once the START_STREAM is sent; a refusal comes later, with the device's answer
        int[] opened = {0};
        StreamListener listener = new StreamListener() {
            @Override
            public CompletionStage<Void> onSample(StreamSample sample) {
                return onSample.apply(sample);
            }

            @Override
            public void onStreamEnded(DeviceRegistration registration, String res, int streamId, String reason) {
                forget(streamId);
            }

            @Override
            public void onStreamFailed(DeviceRegistration registration, String res, Throwable cause) {
                // a refused stream is not open: the next change of subscriptions asks the device again
                forget(opened[0]);
                // the subscribers report it, so this is only for tracing
                LOG.debug("Device {} did not open a stream on {}: {}", registration.deviceId(), res,
                        cause.getMessage());
                for (Subscriber s : List.copyOf(subscribers)) {
                    s.listener.onStreamFailed(registration, res, cause);
                }
            }
        };
        opened[0] = streams.openNow(resource, interval, listener);
        return opened[0];
    }

    /** The device or the connection ended a stream: a later change of subscriptions may open a new one. */
    private void forget(int streamId) {
        if (streamId == 0) {
            return;
        }
        if (streamId == eventStreamId) {
            eventStreamId = 0;
        }
        if (streamId == periodicStreamId) {
            periodicStreamId = 0;
            periodicInterval = 0;
        }
    }

    private CompletionStage<Void> onEventSample(StreamSample sample) {
        return deliver(sample, true);
    }

    void onExternalSample(StreamSample sample) {
        deliver(sample, true);
    }

    private CompletionStage<Void> onPeriodicSample(StreamSample sample) {
        return deliver(sample, false);
    }

    /** A sample or event of the one stream: for the on-change subscriptions and the periodic ones alike. */
    private CompletionStage<Void> onOneStreamSample(StreamSample sample) {
        deliver(sample, true);
        return deliver(sample, false);
    }

    /**
     * Periodic subscribers with a longer interval than the stream's take a sample once their interval has elapsed,
     * with half the stream's interval of slack so that jitter in the device's timing never skips a whole period.
     */
    private CompletionStage<Void> deliver(StreamSample sample, boolean onChange) {
        long now = sample.receivedAtMillis();
        for (Subscriber s : subscribers) {
            long interval = s.subscription.intervalMillis();
            if (onChange != (interval == 0) || s.subscription.isClosed()) {
                continue;
            }
            // the subscriber whose interval is the stream's own takes every sample: the device already paces them
            if (!onChange && interval != periodicInterval && s.lastDelivered != 0
                && now - s.lastDelivered < interval - periodicInterval / 2) {
                continue;
            }
            s.lastDelivered = now;
            streams.deliver(s.listener, sample);
        }
        return CompletableFuture.completedFuture(null);
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    private static final class Subscriber {
        final StreamSubscription subscription;
        final StreamListener listener;
        long lastDelivered;

        Subscriber(StreamSubscription subscription, StreamListener listener) {
            this.subscription = subscription;
            this.listener = listener;
        }
    }
}
