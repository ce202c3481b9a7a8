package io.cameliotmp.cluster;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.cameliotmp.protocol.session.Answers;
import io.cameliotmp.server.CallForwarder;
import io.cameliotmp.server.DeviceDisconnectedException;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceNotConnectedException;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.DeviceReply;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.DeviceRequestTimeoutException;
import io.cameliotmp.server.DirectoryEntry;
import io.cameliotmp.server.IotmpRequestException;
import io.cameliotmp.server.LocalDevices;
import org.infinispan.commons.CacheException;
import org.infinispan.manager.EmbeddedCacheManager;
import org.infinispan.remoting.transport.Address;
import org.infinispan.remoting.transport.jgroups.SuspectException;

/**
 * Both ends of forwarded calls. On the calling member: sends each call to the holder, tracks it by holder until it
 * has an outcome, and fails every call to a member at once when that member leaves; keeps the listeners of streams
 * opened on devices held elsewhere. On the holder: runs the call on the local connection and relays stream samples
 * back in order.
 */
final class ForwardedCalls implements CallForwarder {

    /**
     * Added to the device timeout for the call channel's own: the holder answers a timed-out call itself, so the
     * channel's timeout only ends calls whose answer was lost.
     */
    static final long EXECUTOR_GRACE_MILLIS = 5_000;

    /**
     * How long a member waits for its listener to finish a relayed sample, once the listener took it, before it
     * acknowledges it anyway, so that a stuck route does not end the stream; well below the time the holder waits
     * for the answer (Infinispan's {@code distributedSyncTimeout}, 4 minutes), beyond which it would read the relay
     * as failed and stop the stream.
     */
    static final long RELAY_HANDLING_WAIT_SECONDS = 60;

    private static final CompletionStage<Void> HANDLED = CompletableFuture.completedFuture(null);

    /**
     * How long this member waits for its listener to finish a relayed sample before it acknowledges it anyway:
     * {@link #RELAY_HANDLING_WAIT_SECONDS}; shorter in tests.
     */
    private volatile long relayHandlingWaitMillis = TimeUnit.SECONDS.toMillis(RELAY_HANDLING_WAIT_SECONDS);
    /** False in tests only, for a member of an earlier version ({@link #readRelaysAsCalls}). */
    private volatile boolean relaysOnChannel = true;

    private final InfinispanCluster cluster;
    /** How the streams opened here for another member are relayed back to it; replaced in tests only. */
    private volatile Function<UUID, RelayTransport> relayTransports;
    /** Calls waiting for an outcome, by the node id of the member they went to. */
    private final Map<UUID, Map<CompletableFuture<DeviceReply>, DeviceId>> inFlight = new ConcurrentHashMap<>();
    /** Listeners of streams this member opened on devices held elsewhere, by relay id. */
    private final Map<Long, RelayTarget> relays = new ConcurrentHashMap<>();
    private final AtomicLong relayIds = new AtomicLong();
    /**
     * On the holder: the streams opened here for other members, by the node id of the member that opened them, so
     * that they end when that member leaves. Found out only at the stream's next sample before, a stream the device
     * is silent on stayed open for good, holding one of the device's {@code maxPendingRequests}.
     */
    private final Map<UUID, Set<RelayBack>> served = new ConcurrentHashMap<>();
    private final AtomicLong servedStreamsOfMembersThatLeft = new AtomicLong();
    /** Samples and ends of streams served here that did not reach the member that opened the stream. */
    private final AtomicLong failedStreamRelays = new AtomicLong();
    /**
     * Why this member no longer forwards (it is leaving, or left); null while it is joined. Set before the calls in
     * flight fail, and read by each call once it is registered: a call made while the member leaves fails like those
     * it failed, at once and as disconnected, instead of going out on a channel about to close and failing with
     * whatever the closing channel says.
     */
    private volatile String leaving = "this cluster member has not joined";

    ForwardedCalls(InfinispanCluster cluster) {
        this.cluster = cluster;
        this.relayTransports = origin -> new RelayTransport(cluster, origin);
    }

    // ---- calling member

    @Override
    public CompletableFuture<DeviceReply> forward(DirectoryEntry holder, DeviceRequest request, Duration timeout) {
        DeviceId device = holder.deviceId();
        HolderRecord record = cluster.deviceDirectory().record(device).filter(r -> r.entry().equals(holder))
                .orElse(null);
        EmbeddedCacheManager manager = cluster.manager();
        if (record == null || manager == null) {
            return CompletableFuture.failedFuture(new DeviceNotConnectedException(device));
        }
        Address target = cluster.address(record.node());
        if (target == null) {
            return CompletableFuture.failedFuture(new DeviceDisconnectedException(device,
                    "cluster member " + record.member() + " left"));
        }
        long timeoutMillis = timeout != null ? timeout.toMillis() : 10_000;
        long relay = 0;
        if (request instanceof DeviceRequest.StartStream start) {
            relay = relayIds.incrementAndGet();
            LocalDevices local = cluster.local();
            relays.put(relay, new RelayTarget(start.listener(), record.registration(), start.resource(),
                    record.node(), local != null ? local.streamThread() : Runnable::run));
        }
        String text = ForwardedRequest.describe(request);
        CompletableFuture<DeviceReply> reply = new CompletableFuture<>();
        Map<CompletableFuture<DeviceReply>, DeviceId> toTarget =
                inFlight.computeIfAbsent(record.node(), node -> new ConcurrentHashMap<>());
        toTarget.put(reply, device);
        long relayId = relay;
        reply.whenComplete((answer, failure) -> {
            toTarget.remove(reply);
            if (relayId != 0 && failure != null) {
                relays.remove(relayId);
            } else if (relayId != 0) {
                RelayTarget opened = relays.get(relayId);
                if (opened != null && opened.streamId() == 0) {
                    // a stream that sent nothing yet still ends under its id if its member leaves
                    opened.streamId(answer.streamId());
                }
            }
        });
        // the view may have changed while this call was registered: then nobody would fail it
        if (cluster.address(record.node()) == null) {
            reply.completeExceptionally(new DeviceDisconnectedException(device,
                    "cluster member " + record.member() + " left"));
            return reply;
        }
        // nor would anybody if this member began to leave meanwhile
        String why = leaving;
        if (why != null) {
            reply.completeExceptionally(new DeviceDisconnectedException(device, why));
            return reply;
        }
        CallChannel channel = cluster.callChannel();
        byte[] call;
        try {
            call = new ForwardedCall(device.user(), device.device(), record.sessionNumber(),
                    ForwardedRequest.of(request, relay), timeoutMillis).toBytes();
        } catch (RuntimeException e) {
            reply.completeExceptionally(typed(e, device, record, text, timeoutMillis));
            return reply;
        }
        if (channel == null) {
            reply.completeExceptionally(new DeviceDisconnectedException(device, "this cluster member is leaving"));
            return reply;
        }
        channel.call(record.node(), call, timeoutMillis + EXECUTOR_GRACE_MILLIS).whenComplete((bytes, failure) -> {
            String left = leaving;
            if (failure != null && left != null) {
                // the channel closed under the call: the member left, whatever the channel says
                reply.completeExceptionally(new DeviceDisconnectedException(device, left));
                return;
            }
            if (failure != null) {
                reply.completeExceptionally(typed(failure, device, record, text, timeoutMillis));
                return;
            }
            try {
                reply.complete(ForwardedAnswer.fromBytes(bytes).toReply(record.registration(), text));
            } catch (IotmpRequestException e) {
                reply.completeExceptionally(e);
            } catch (RuntimeException e) {
                reply.completeExceptionally(typed(e, device, record, text, timeoutMillis));
            }
        });
        return reply;
    }

    /** What a failure of the executor means for the call: the same types a local call fails with. */
    private static IotmpRequestException typed(Throwable failure, DeviceId device, HolderRecord holder, String request,
                                               long timeoutMillis) {
        Throwable cause = Answers.unwrap(failure);
        if (cause instanceof IotmpRequestException typed) {
            return typed;
        }
        if (cause instanceof SuspectException || cause instanceof org.jgroups.SuspectedException) {
            return new DeviceDisconnectedException(device, "cluster member " + holder.member() + " left");
        }
        if (cause instanceof TimeoutException || cause instanceof org.infinispan.commons.TimeoutException) {
            return new DeviceRequestTimeoutException(device, request, Duration.ofMillis(timeoutMillis));
        }
        if (cause instanceof CacheException && cause.getCause() instanceof SuspectException) {
            return new DeviceDisconnectedException(device, "cluster member " + holder.member() + " left");
        }
        return new IotmpRequestException(device, "forwarding " + request + " to cluster member " + holder.member()
                                                 + " failed: " + cause);
    }

    /** The member joined: it forwards calls from now on. */
    void joined() {
        leaving = null;
    }

    /**
     * The member is leaving: every call made from now on fails as disconnected, and so does every call in flight,
     * now; the streams opened through other members end here (their listeners hear they were lost), and so do the
     * streams opened on devices here for other members. A member that leaves sees no view change of its own, and
     * the others stop hearing from it: a stream of either kind was only ended before by the next sample that failed
     * to go out, and a stream the device is silent on stayed open, holding one of the device's pending requests.
     */
    void leaving(String why) {
        leaving = why;
        Set<UUID> holders = new HashSet<>(inFlight.keySet());
        relays.values().forEach(relay -> holders.add(relay.holder()));
        memberLeft(holders, why);
        originsLeft(Set.copyOf(served.keySet()));
    }

    /** Fails every call to these members now, and ends the streams opened through them. */
    void memberLeft(Set<UUID> members, String why) {
        for (UUID member : members) {
            Map<CompletableFuture<DeviceReply>, DeviceId> calls = inFlight.remove(member);
            if (calls != null) {
                calls.forEach((reply, device) -> reply.completeExceptionally(
                        new DeviceDisconnectedException(device, why)));
            }
            relays.forEach((id, relay) -> {
                // told only by whoever removes it: the stream's end relayed at the same moment is not told as well
                if (relay.holder().equals(member) && relays.remove(id, relay)) {
                    relay.lost(relay.streamId(), why);
                }
            });
        }
    }

    /**
     * A sample or the end of a relayed stream arrived from the holder: handed to the listener here. Returns when the
     * listener is done with it (a sample's stage completes), null if nobody here waits for it.
     */
    CompletionStage<Void> relayed(ClusterTasks.Relay relay) {
        RelayTarget target = relays.get(relay.relay());
        if (target == null) {
            return null;
        }
        if (relay.ended() == null) {
            target.streamId(relay.streamId());
            return target.sample(relay.streamId(), relay.payload(), relay.receivedAtMillis());
        }
        if (!relays.remove(relay.relay(), target)) {
            return HANDLED; // its member left meanwhile, and the listener was told so
        }
        if (relay.failed() && relay.streamId() != 0) {
            target.lost(relay.streamId(), relay.ended());
        } else if (relay.failed()) {
            target.failed(relay.ended());
        } else {
            target.ended(relay.streamId(), relay.ended());
        }
        return HANDLED;
    }

    /** For tests: reads relays on the call channel as calls, as a member of an earlier version does. */
    void readRelaysAsCalls() {
        relaysOnChannel = false;
    }

    /** For tests: how the streams opened from now on here for other members are relayed back to them. */
    void relayTransports(Function<UUID, RelayTransport> transports) {
        relayTransports = transports;
    }

    /** For tests: how long a relayed sample's listener may take before the sample is acknowledged anyway. */
    void relayHandlingWait(Duration wait) {
        relayHandlingWaitMillis = wait.toMillis();
    }

    /**
     * A sample or the end of a stream this member opened on a device held by {@code origin}, arrived on the call
     * channel: told to the listener on the stream's thread ({@link RelayTarget#onThread}). The answer, whether this
     * member still wants the stream, goes back once the listener is done with a sample, or
     * {@link #RELAY_HANDLING_WAIT_SECONDS} after it took the sample when it never is, so the holder counts the sample
     * in flight until then; no thread waits here meanwhile.
     */
    private CompletableFuture<byte[]> serveRelay(ClusterTasks.Relay relay, UUID origin) {
        RelayTarget target = relays.get(relay.relay());
        if (target == null || !target.holder().equals(origin)) {
            return CompletableFuture.completedFuture(ClusterTasks.Relay.answer(false));
        }
        return target.onThread(() -> {
            // a stream whose member left meanwhile is over for its listener, which heard it was lost
            CompletionStage<Void> handled = relays.get(relay.relay()) == target ? relayed(relay) : null;
            return handled != null ? handled : HANDLED;
        }, relayHandlingWaitMillis).thenApply(handled -> ClusterTasks.Relay.answer(true));
    }

    // ---- holder

    /**
     * Runs a forwarded call on the connection here, without waiting for it: the answer's bytes complete from the
     * thread that completes the device's reply (or its timeout). A relay of a stream this member opened on a device
     * of {@code origin} comes the same way ({@link #serveRelay}).
     */
    CompletableFuture<byte[]> serve(byte[] bytes, UUID origin) {
        if (relaysOnChannel && ClusterTasks.Relay.isRelay(bytes)) {
            return serveRelay(ClusterTasks.Relay.fromBytes(bytes), origin);
        }
        ForwardedCall call = ForwardedCall.fromBytes(bytes, 0, bytes.length);
        return serve(call, origin).thenApply(ForwardedAnswer::toBytes);
    }

    private CompletableFuture<ForwardedAnswer> serve(ForwardedCall call, UUID origin) {
        LocalDevices local = cluster.local();
        HolderRecord holder = cluster.deviceDirectory().record(call.deviceId()).orElse(null);
        if (local == null || holder == null || !holder.node().equals(cluster.node())
            || holder.sessionNumber() != call.sessionNumber()) {
            return CompletableFuture.completedFuture(
                    ForwardedAnswer.failure(new DeviceNotConnectedException(call.deviceId()), 0));
        }
        DeviceRegistration registration = holder.registration();
        ForwardedRequest request = call.request();
        RelayBack relay = request.kind() == ForwardedRequest.Kind.START_STREAM
                ? new RelayBack(this, cluster, relayTransports.apply(origin), origin, request.relay(), registration)
                : null;
        if (relay != null) {
            // under the map's lock, as forget() drops a member's set once it is empty
            served.compute(origin, (member, streams) -> {
                Set<RelayBack> set = streams != null ? streams : ConcurrentHashMap.newKeySet();
                set.add(relay);
                return set;
            });
        }
        long timeoutMillis = call.timeoutMillis();
        CompletableFuture<DeviceReply> sent;
        try {
            sent = local.sendLocal(registration, request.toRequest(relay), Duration.ofMillis(timeoutMillis));
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((reply, failure) -> {
            if (relay != null) {
                relay.opened(failure == null ? reply.streamId() : 0);
            }
            if (failure == null) {
                return ForwardedAnswer.ok(reply);
            }
            return ForwardedAnswer.failure(Answers.unwrap(failure), timeoutMillis);
        });
    }

    /**
     * The holder's part when members leave: ends the streams opened here for them, which nobody would hear of any
     * more, whether or not the device sends on them.
     */
    void originsLeft(Set<UUID> members) {
        for (UUID member : members) {
            Set<RelayBack> streams = served.remove(member);
            if (streams != null) {
                streams.forEach(RelayBack::originLeft);
            }
        }
    }

    /** A stream served here ended, or was stopped: it is no longer kept for the member that opened it. */
    void forget(UUID origin, RelayBack stream) {
        served.computeIfPresent(origin, (member, streams) -> {
            streams.remove(stream);
            return streams.isEmpty() ? null : streams;
        });
    }

    /** A stream served here ended because the member that opened it left. */
    void servedStreamOfMemberThatLeftEnded() {
        servedStreamsOfMembersThatLeft.incrementAndGet();
    }

    /** A sample or end of a stream served here did not reach the member that opened the stream. */
    void streamRelayFailed() {
        failedStreamRelays.incrementAndGet();
    }

    /**
     * Streams opened here for members that left and ended because they did (or because this member left), since
     * this member joined.
     */
    long servedStreamsOfMembersThatLeft() {
        return servedStreamsOfMembersThatLeft.get();
    }

    /**
     * Samples and ends of streams opened here for other members that did not reach the member that opened the stream
     * (it left, did not answer in time, or the relay could not be sent), since this member joined; relays that member
     * did not take because it no longer wanted the stream are not among them.
     */
    long failedStreamRelays() {
        return failedStreamRelays.get();
    }
}
