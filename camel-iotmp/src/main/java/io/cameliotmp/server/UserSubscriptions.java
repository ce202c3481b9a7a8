package io.cameliotmp.server;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Device streams subscribed to topics or to named events, kept apart by the user of their device. Topics and events
 * are per user, so a publication of one user looks at that user's subscriptions only; and a device opening or
 * stopping a stream copies its own user's list, not every subscription of the server, so a device that opens and
 * stops streams as fast as it can costs work in proportion to its own account, not to the whole fleet.
 */
final class UserSubscriptions {

    private final ConcurrentMap<String, List<EventStreams.DeviceSubscription>> byUser = new ConcurrentHashMap<>();

    void add(EventStreams.DeviceSubscription subscription) {
        byUser.compute(userOf(subscription.session()), (user, list) -> {
            List<EventStreams.DeviceSubscription> of = list != null ? list : new CopyOnWriteArrayList<>();
            of.add(subscription);
            return of;
        });
    }

    /** Removes one stream of a session, or all of them when {@code streamId} is 0. */
    void remove(DeviceConnection session, int streamId) {
        DeviceRegistration registration = session.registration();
        if (registration == null) {
            return; // a session that never logged in subscribed to nothing
        }
        byUser.computeIfPresent(registration.user(), (user, list) -> {
            list.removeIf(s -> s.session() == session && (streamId == 0 || s.streamId() == streamId));
            return list.isEmpty() ? null : list;
        });
    }

    /** Each subscription of {@code user}, or of every user when it is null. */
    void forEach(String user, Consumer<EventStreams.DeviceSubscription> action) {
        if (user != null) {
            List<EventStreams.DeviceSubscription> of = byUser.get(user);
            if (of != null) {
                of.forEach(action);
            }
        } else {
            byUser.values().forEach(of -> of.forEach(action));
        }
    }

    /** Subscriptions of {@code user} now. */
    int count(String user) {
        List<EventStreams.DeviceSubscription> of = byUser.get(user);
        return of == null ? 0 : of.size();
    }

    /** Users with subscriptions now. */
    int users() {
        return byUser.size();
    }

    private static String userOf(DeviceConnection session) {
        return session.registration().user();
    }
}
