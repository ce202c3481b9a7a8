package io.cameliotmp.server;

/**
 * What the members of a cluster tell each other besides calls: property updates (so a device hears of a property set
 * through another member), topic publications (so subscribers on every member receive them, and retained ones are
 * kept on every member) and named server events. {@link #NONE}, the default of a server alone, relays nothing.
 *
 * <p>The server {@linkplain #bind binds} its receiver before it joins the cluster; the bus hands it what the other
 * members relayed, never what this member sent itself, so nothing is delivered twice or relayed back.
 */
public interface ClusterBus {

    /** One server alone: nothing to relay. */
    ClusterBus NONE = new ClusterBus() {
        @Override
        public void bind(Receiver receiver) {
            // nobody sends to a server alone
        }

        @Override
        public void propertyUpdated(DeviceId device, String property, Object value) {
            // no other member to tell
        }

        @Override
        public void published(TopicMessage message, boolean retain) {
            // no other member to tell
        }

        @Override
        public void raised(String user, String event, Object payload) {
            // no other member to tell
        }

        @Override
        public String toString() {
            return "no cluster bus";
        }
    };

    /** Where what other members relay is delivered on this member. */
    void bind(Receiver receiver);

    /** A property was set on this member: tells the others, whose connection of the device (if any) hears of it. */
    void propertyUpdated(DeviceId device, String property, Object value);

    /**
     * A message was published on this member: the others deliver it to their subscribers (and retain it, as do
     * members that join later). {@code retain} is true only for a message this member kept as retained (or a clear).
     * Members publishing retained messages on one topic at once must end up keeping the same one: an implementation
     * orders them (a later relay of an older message is delivered but not kept), and may keep the cluster's order
     * on a member through {@link Receiver#retained} rather than with the relay.
     *
     * @throws QuotaExceededException ({@link QuotaExceededException.Quota#CLUSTER_RELAYS}) when the bus holds as many
     *                                relays as it may; nothing was relayed
     */
    void published(TopicMessage message, boolean retain);

    /**
     * A named server event was raised on this member: the others deliver it to their subscribed devices.
     *
     * @throws QuotaExceededException ({@link QuotaExceededException.Quota#CLUSTER_RELAYS}) when the bus holds as many
     *                                relays as it may; nothing was relayed
     */
    void raised(String user, String event, Object payload);

    /** The server's side: delivers what another member relayed to this member's devices and routes only. */
    interface Receiver {

        void propertyUpdated(DeviceId device, String property, Object value);

        void published(TopicMessage message, boolean retain);

        void raised(String user, String event, Object payload);

        /**
         * A message the cluster retains (one it retained before this member joined, or the newest in the cluster's
         * order of a topic's retained messages), or its clear (a null payload): kept as a retained message here,
         * within this member's quotas, and delivered to nobody (its publication is delivered by {@link #published},
         * and nobody here subscribed before one retained earlier).
         */
        void retained(TopicMessage message);

        /**
         * A publication another member relayed that this member does not deliver, one of its own bounds being reached
         * (a clustered member's queue of relayed publications): counted in the server's quota refusals
         * ({@link QuotaExceededException.Quota#CLUSTER_RELAYS}) and logged as they are, within the rate limit.
         */
        default void refused(QuotaExceededException refusal) {
            // a receiver that keeps no count
        }
    }
}
