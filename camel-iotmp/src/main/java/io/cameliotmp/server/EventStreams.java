package io.cameliotmp.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import io.cameliotmp.protocol.PsonFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of devices' event streams (START_STREAM on RESOURCE 8): MQTT-style topics that devices publish to
 * and subscribe to, named server events raised by routes, and retained topic messages. Topics are per user, as
 * devices of one account share them; routes see every user's messages.
 * <p>
 * Retained messages are kept PSON-encoded, at most {@code maxRetainedPerUser} of them and
 * {@code maxRetainedBytesPerUser} bytes (topic names and payloads) per user; route publications without a user count
 * as one more user. A retained publication with a null payload clears the topic's retained message. Beyond a quota, a
 * route's publication fails with {@link QuotaExceededException} before it is delivered; a device's publication is
 * still delivered, but not retained, and the refusal is counted and logged.
 */
final class EventStreams {

    private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);

    /** A device stream subscribed to topics or to a named event. */
    record DeviceSubscription(DeviceConnection session, int streamId, String filterOrEvent) {
    }

    private final UserSubscriptions topicSubscriptions = new UserSubscriptions();
    private final UserSubscriptions eventSubscriptions = new UserSubscriptions();
    private final List<RouteSubscription> routeSubscriptions = new CopyOnWriteArrayList<>();
    /** Retained messages by user (null: route publications for every user), then topic. Guarded by itself. */
    private final Map<String, UserRetained> retained = new HashMap<>();
    private volatile ClusterBus bus = ClusterBus.NONE;
    private final int maxRetainedPerUser;
    private final long maxRetainedBytesPerUser;
    private final BiConsumer<QuotaExceededException, Object> onQuotaExceeded;

    EventStreams() {
        this(ServerQuotas.DEFAULT, (e, who) -> { });
    }

    /** @param onQuotaExceeded told when a device's retained publication is refused (for metrics and logs) */
    EventStreams(ServerQuotas quotas, BiConsumer<QuotaExceededException, Object> onQuotaExceeded) {
        this.maxRetainedPerUser = quotas.maxRetainedPerUser();
        this.maxRetainedBytesPerUser = quotas.maxRetainedBytesPerUser();
        this.onQuotaExceeded = onQuotaExceeded;
    }

    private record RouteSubscription(String filter, Consumer<TopicMessage> listener) {
    }

    /**
     * Subscribes a device stream; returns the retained messages it should receive, which the caller sends after its
     * OK so that nothing precedes the answer.
     */
    List<TopicMessage> subscribeDevice(DeviceConnection session, int streamId, String filter) {
        String user = session.registration().user();
        List<Retained> matching = new ArrayList<>();
        synchronized (retained) {
            // with the retained messages it gets, in one step against a retained publication (see deliver)
            topicSubscriptions.add(new DeviceSubscription(session, streamId, filter));
            for (String owner : new String[] {null, user}) {
                UserRetained of = retained.get(owner);
                if (of != null) {
                    of.messages.values().stream().filter(m -> TopicFilter.matches(filter, m.topic()))
                            .forEach(matching::add);
                }
            }
        }
        return matching.stream().map(Retained::toMessage).toList();
    }

    void subscribeServerEvent(DeviceConnection session, int streamId, String event) {
        eventSubscriptions.add(new DeviceSubscription(session, streamId, event));
    }

    /** Ends one device stream, or all of a session when {@code streamId} is 0. */
    void unsubscribe(DeviceConnection session, int streamId) {
        topicSubscriptions.remove(session, streamId);
        eventSubscriptions.remove(session, streamId);
    }

    /** Device streams of {@code user} subscribed to topics or events now. */
    int deviceSubscriptions(String user) {
        return topicSubscriptions.count(user) + eventSubscriptions.count(user);
    }

    /** Users whose devices have topic or event subscriptions now: none are kept for users without any. */
    int usersWithDeviceSubscriptions() {
        return Math.max(topicSubscriptions.users(), eventSubscriptions.users());
    }

    AutoCloseable subscribeRoute(String filter, Consumer<TopicMessage> listener) {
        TopicFilter.validate(filter);
        RouteSubscription subscription = new RouteSubscription(filter, listener);
        routeSubscriptions.add(subscription);
        return () -> routeSubscriptions.remove(subscription);
    }

    /**
     * Delivers to every matching device subscription of the same user and to every matching route, then relays to
     * the other members of a cluster.
     *
     * @throws QuotaExceededException for a route's retained publication beyond the user's quota (nothing delivered),
     *                                or when the cluster refuses to relay a route's publication
     *                                ({@link QuotaExceededException.Quota#CLUSTER_RELAYS}: delivered on this member
     *                                only)
     */
    void publish(TopicMessage message, boolean retain) {
        boolean kept = deliver(message, retain, false);
        try {
            // a message refused here is not asked of the other members either
            bus.published(message, retain && kept);
        } catch (QuotaExceededException e) {
            refused(e, message);
        }
    }

    /** Counts and logs a refusal; a route hears of it, a device's publication goes on without. */
    private void refused(QuotaExceededException e, TopicMessage message) {
        onQuotaExceeded.accept(e, message.publisher() != null ? message.publisher().deviceId()
                : "a route publishing for " + (message.user() != null ? message.user() : "every user"));
        if (message.publisher() == null) {
            throw e;
        }
    }

    /**
     * A publication another member of the cluster relayed: delivered here, and kept if retained, never relayed
     * again. The members' retained messages can differ (after relays refused or lost), so one the publishing member
     * kept may be beyond this member's quota: it is then delivered but not kept, a route's as a device's (its
     * member accepted it), and the refusal is counted and logged within the server's rate limit, not a line per
     * relayed message.
     */
    void publishRelayed(TopicMessage message, boolean retain) {
        deliver(message, retain, true);
    }

    /** A message the cluster retained before this member joined: kept, not delivered; a refusal as above. */
    void keepRelayed(TopicMessage message) {
        try {
            retain(message, false);
        } catch (QuotaExceededException e) {
            onQuotaExceeded.accept(e, "a retained message of the cluster on '" + RefusalLog.shown(message.topic())
                                      + "'");
        }
    }

    /** Where publications and events made here are relayed to the other members of a cluster. */
    void relayTo(ClusterBus bus) {
        this.bus = bus;
    }

    /**
     * Returns false for a retained message that its quota kept from being retained; a device's is still sent, and so
     * is one another member relayed ({@code relayed}), which its own member accepted already.
     */
    private boolean deliver(TopicMessage message, boolean retain, boolean relayed) {
        boolean kept = true;
        List<DeviceSubscription> subscribed = null;
        if (retain) {
            try {
                subscribed = retain(message, true);
            } catch (QuotaExceededException e) {
                kept = false;
                if (relayed) {
                    onQuotaExceeded.accept(e, "a retained message relayed by another cluster member, on '"
                                              + RefusalLog.shown(message.topic()) + "'");
                } else {
                    refused(e, message);
                }
            }
        }
        Consumer<DeviceSubscription> send = s -> {
            if (TopicFilter.matches(s.filterOrEvent, message.topic())) {
                s.session.sendStreamData(s.streamId, message.payload());
            }
        };
        if (subscribed != null) {
            subscribed.forEach(send);
        } else {
            topicSubscriptions.forEach(message.user(), send);
        }
        for (RouteSubscription s : routeSubscriptions) {
            if (TopicFilter.matches(s.filter, message.topic())) {
                try {
                    s.listener.accept(message);
                } catch (RuntimeException e) {
                    LOG.warn("Topic listener failed for {}", RefusalLog.shown(message.topic()), e);
                }
            }
        }
        return kept;
    }

    /**
     * Keeps the message as its topic's retained one, or clears that for a null payload. With {@code subscriptions},
     * returns the device subscriptions the message is for, listed in the same step: a device subscribing meanwhile
     * then either gets it among the retained messages or is listed, never both (it got the message twice) nor
     * neither; else null.
     */
    private List<DeviceSubscription> retain(TopicMessage message, boolean subscriptions) {
        List<DeviceSubscription> subscribed = subscriptions ? new ArrayList<>() : null;
        if (message.payload() == null) {
            synchronized (retained) {
                UserRetained of = retained.get(message.user());
                if (of != null && of.remove(message.topic())) {
                    retained.remove(message.user());
                }
                if (subscribed != null) {
                    topicSubscriptions.forEach(message.user(), subscribed::add);
                }
            }
            return subscribed;
        }
        byte[] payload = PsonFormat.V2.toBytes(message.payload());
        Retained kept = new Retained(message.user(), message.topic(), payload, message.publisher(),
                message.topic().getBytes(StandardCharsets.UTF_8).length + (long) payload.length);
        synchronized (retained) {
            UserRetained of = retained.get(message.user());
            if (of == null) {
                of = new UserRetained();
            }
            of.put(kept, maxRetainedPerUser, maxRetainedBytesPerUser);
            retained.putIfAbsent(message.user(), of);
            if (subscribed != null) {
                topicSubscriptions.forEach(message.user(), subscribed::add);
            }
        }
        return subscribed;
    }

    /** A retained message as kept: the payload encoded, and what it counts toward its user's quota. */
    private record Retained(String user, String topic, byte[] payload, DeviceRegistration publisher, long cost) {

        TopicMessage toMessage() {
            return new TopicMessage(user, topic, PsonFormat.V2.decode(payload), publisher);
        }
    }

    /** One user's retained messages by topic, and their size. Guarded by the map of users. */
    private static final class UserRetained {
        final Map<String, Retained> messages = new LinkedHashMap<>();
        long bytes;

        void put(Retained message, int maxCount, long maxBytes) {
            Retained previous = messages.get(message.topic());
            if (previous == null && messages.size() >= maxCount) {
                throw new QuotaExceededException(QuotaExceededException.Quota.RETAINED,
                        "a user may have " + maxCount + " retained messages");
            }
            long after = bytes - (previous == null ? 0 : previous.cost()) + message.cost();
            if (after > maxBytes) {
                throw new QuotaExceededException(QuotaExceededException.Quota.RETAINED_BYTES,
                        "retained message on '" + RefusalLog.shown(message.topic()) + "' would take a user's retained"
                        + " messages to " + after + " bytes, more than " + maxBytes);
            }
            messages.put(message.topic(), message);
            bytes = after;
        }

        /** Removes a topic's message; true when none is left. */
        boolean remove(String topic) {
            Retained previous = messages.remove(topic);
            if (previous != null) {
                bytes -= previous.cost();
            }
            return messages.isEmpty();
        }
    }

    /**
     * Raises a named server event toward the subscribed devices, of one user or of all ({@code user == null}).
     *
     * @throws QuotaExceededException when the cluster refuses to relay it
     *                                ({@link QuotaExceededException.Quota#CLUSTER_RELAYS}: raised on this member only)
     */
    int raise(String user, String event, Object payload) {
        int delivered = raiseHere(user, event, payload);
        try {
            bus.raised(user, event, payload);
        } catch (QuotaExceededException e) {
            onQuotaExceeded.accept(e, "a route raising " + event);
            throw e;
        }
        return delivered;
    }

    /** Raises an event toward the devices connected here only (one another member relayed). */
    int raiseHere(String user, String event, Object payload) {
        int[] delivered = new int[1];
        eventSubscriptions.forEach(user, s -> {
            if (s.filterOrEvent.equals(event)) {
                s.session.sendStreamData(s.streamId, payload);
                delivered[0]++;
            }
        });
        return delivered[0];
    }
}
