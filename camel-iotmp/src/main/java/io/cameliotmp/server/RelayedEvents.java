package io.cameliotmp.server;

import java.util.function.Consumer;

/**
 * What other members of the cluster relay to this one: delivered to the devices and routes of this member only, and
 * never relayed again.
 */
final class RelayedEvents implements ClusterBus.Receiver {

    private final DeviceRegistry registry;
    private final EventStreams events;
    private final Consumer<QuotaExceededException> refusals;

    RelayedEvents(DeviceRegistry registry, EventStreams events, Consumer<QuotaExceededException> refusals) {
        this.registry = registry;
        this.events = events;
        this.refusals = refusals;
    }

    @Override
    public void refused(QuotaExceededException refusal) {
        refusals.accept(refusal);
    }

    @Override
    public void propertyUpdated(DeviceId device, String property, Object value) {
        registry.session(device).ifPresent(session -> session.onPropertyUpdated(property, value));
    }

    @Override
    public void published(TopicMessage message, boolean retain) {
        events.publishRelayed(message, retain);
    }

    @Override
    public void retained(TopicMessage message) {
        events.keepRelayed(message);
    }

    @Override
    public void raised(String user, String event, Object payload) {
        events.raiseHere(user, event, payload);
    }
}
