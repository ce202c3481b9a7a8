package io.cameliotmp.cluster;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.blocks.MessageDispatcher;
import org.jgroups.blocks.RequestHandler;
import org.jgroups.blocks.RequestOptions;
import org.jgroups.blocks.Response;
import org.jgroups.fork.ForkChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The path of forwarded calls: a JGroups fork of the member's channel (same connections, same TLS, same view as
 * Infinispan's) with a {@link MessageDispatcher} that answers asynchronously. Compared with Infinispan's
 * {@code ClusterExecutor}, a call holds no thread on the holder while the device answers (the answer goes out from
 * the thread that completes the device's reply), skips Infinispan's executor hand-offs on both members, and carries
 * bytes the cluster encodes itself ({@link ForwardedCall}) instead of Java-serialized tasks.
 * <p>
 * The samples and ends of the streams such calls opened come back the same way ({@link ClusterTasks.Relay}), the
 * answer being the acknowledgement: the calling member sends it once its route is done with the sample, and holds
 * no thread meanwhile. So do topic publications ({@link PublicationTransport}): the receiving member answers once
 * its topic consumers are done with one, on a thread of its own group for them ({@link RelayedPublications}).
 * <p>
 * Requests go out of band: calls to one member run concurrently, as local calls to its devices do. A call to a
 * member that leaves the view fails at once (JGroups suspects it; {@link ForwardedCalls} also fails it on Infinispan's
 * view change).
 */
final class CallChannel implements RequestHandler {

    static final String FORK_STACK = "iotmp";
    static final String FORK_CHANNEL = "forwarded-calls";

    private static final Logger LOG = LoggerFactory.getLogger(CallChannel.class);

    /**
     * Out of band, so calls to one member run concurrently; sent and served without hand-offs ({@link UnbundledSends},
     * {@link CallsOnArrival}); outside flow control, since a call may be served on the thread that reads the
     * connection the credits come back on. Answers carry the same flags. What a member holds in calls is bounded by
     * the devices' own limits ({@code maxPendingRequests}); in relayed publications, by the publishing members' relay
     * budgets ({@link RelayBounds}) and its own {@code maxQueuedRelayedPublications}.
     */
    static final Message.Flag[] CALL_FLAGS = {Message.Flag.OOB, Message.Flag.DONT_BUNDLE, Message.Flag.NO_FC};

    private final ForkChannel fork;
    private final MessageDispatcher dispatcher;
    /** Serves a call that arrived: the bytes of the call and its sender's node id → the bytes of the answer. */
    private final BiFunction<byte[], UUID, CompletionStage<byte[]>> server;

    CallChannel(JChannel main, BiFunction<byte[], UUID, CompletionStage<byte[]>> server) throws Exception {
        this.server = server;
        this.fork = new ForkChannel(main, FORK_STACK, FORK_CHANNEL);
        this.dispatcher = new MessageDispatcher(fork, this).asyncDispatching(true);
        fork.connect(FORK_CHANNEL);
    }

    /** Sends a call to the member with that node id; completes with its answer, or fails as JGroups says. */
    CompletableFuture<byte[]> call(UUID member, byte[] call, long timeoutMillis) {
        org.jgroups.util.UUID target = new org.jgroups.util.UUID(member.getMostSignificantBits(),
                member.getLeastSignificantBits());
        try {
            return dispatcher.sendMessageWithFuture(new BytesMessage(target, call),
                    RequestOptions.SYNC().timeout(timeoutMillis).flags(CALL_FLAGS));
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public Object handle(Message request) {
        throw new UnsupportedOperationException("forwarded calls are answered asynchronously");
    }

    @Override
    public void handle(Message request, Response response) {
        org.jgroups.util.UUID sender = (org.jgroups.util.UUID) request.getSrc();
        byte[] call = request.getArray();
        if (request.getOffset() != 0 || request.getLength() != call.length) {
            call = java.util.Arrays.copyOfRange(call, request.getOffset(), request.getOffset() + request.getLength());
        }
        CompletionStage<byte[]> answer;
        try {
            answer = server.apply(call, new UUID(sender.getMostSignificantBits(), sender.getLeastSignificantBits()));
        } catch (RuntimeException e) {
            response.send(e, true);
            return;
        }
        answer.whenComplete((bytes, failure) -> {
            if (failure != null) {
                LOG.debug("Forwarded call from {} failed on this member", sender, failure);
                response.send(failure, true);
            } else {
                response.send(bytes, false);
            }
        });
    }

    void close() {
        dispatcher.stop();
        fork.close();
    }
}
