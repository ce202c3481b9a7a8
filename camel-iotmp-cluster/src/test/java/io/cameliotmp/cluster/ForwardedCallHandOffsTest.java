package io.cameliotmp.cluster;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.Message;
import org.jgroups.blocks.RequestCorrelator;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.FORK;
import org.jgroups.protocols.TCP;
import org.jgroups.stack.Protocol;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two places where forwarded calls leave JGroups' usual way, on a transport that is not connected: a call's
 * request is handed up on the thread that read it, and a message flagged DONT_BUNDLE is written on the thread that
 * sends it. Everything else still goes to JGroups' threads.
 */
class ForwardedCallHandOffsTest {

    private static final short CORRELATOR = ClassConfigurator.getProtocolId(RequestCorrelator.class);

    private final List<Thread> handedUp = new CopyOnWriteArrayList<>();
    private final List<Thread> written = new CopyOnWriteArrayList<>();
    private final List<Runnable> pooled = new CopyOnWriteArrayList<>();
    private final Address peer = UUID.randomUUID();
    private TCP transport;

    @BeforeEach
    void transport() {
        transport = new TCP() {
            @Override
            public void doSend(byte[] buf, int offset, int length, Address dest) {
                written.add(Thread.currentThread());
            }
        };
        // the id of the class it stands for, under which the transport's header is found
        transport.setId(ClassConfigurator.getProtocolId(TCP.class));
        transport.setUpProtocol(new Protocol() {
            @Override
            public Object up(Message msg) {
                handedUp.add(Thread.currentThread());
                return null;
            }
        });
        transport.setThreadPool((Executor) pooled::add);
    }

    @Test
    void aForwardedCallIsHandedUpOnTheReadingThread() {
        CallsOnArrival policy = new CallsOnArrival();
        policy.init(transport);

        assertThat(policy.process(call(RequestCorrelator.Header.REQ), true)).isTrue();

        assertThat(handedUp).containsExactly(Thread.currentThread());
        assertThat(pooled).isEmpty();
    }

    @Test
    void answersAndOtherMessagesGoToThePool() {
        CallsOnArrival policy = new CallsOnArrival();
        policy.init(transport);

        // the caller's answer goes on to a route: never on the reading thread
        policy.process(call(RequestCorrelator.Header.RSP), true);
        // bundled, or another fork, or no request at all
        policy.process(call(RequestCorrelator.Header.REQ).clearFlag(Message.Flag.DONT_BUNDLE), true);
        policy.process(new BytesMessage(peer, new byte[] {1}).setFlag(CallChannel.CALL_FLAGS)
                .putHeader(FORK.ID, new FORK.ForkHeader("other", CallChannel.FORK_CHANNEL))
                .putHeader(CORRELATOR, request()), true);
        policy.process(new BytesMessage(peer, new byte[] {1}).setFlag(CallChannel.CALL_FLAGS), true);

        assertThat(handedUp).isEmpty();
        assertThat(pooled).hasSize(4);
    }

    @Test
    void aMessageFlaggedDontBundleIsWrittenOnTheSendingThread() throws Exception {
        UnbundledSends bundler = new UnbundledSends();
        bundler.init(transport);

        bundler.send(call(RequestCorrelator.Header.REQ).setSrc(UUID.randomUUID()));

        assertThat(written).containsExactly(Thread.currentThread());
    }

    @Test
    void otherMessagesAreQueuedForTheBundlersThread() throws Exception {
        UnbundledSends bundler = new UnbundledSends();
        bundler.init(transport);

        bundler.send(new BytesMessage(peer, new byte[] {1}).setSrc(UUID.randomUUID()).setFlag(Message.Flag.OOB));

        ClusterNodes.eventually().until(() -> !written.isEmpty());
        assertThat(written).hasSize(1).doesNotContain(Thread.currentThread());
        bundler.stop();
    }

    private static RequestCorrelator.Header request() {
        return new RequestCorrelator.Header(RequestCorrelator.Header.REQ, 1, CORRELATOR);
    }

    private Message call(byte type) {
        return new BytesMessage(peer, new byte[] {1, 2, 3}).setFlag(CallChannel.CALL_FLAGS)
                .putHeader(FORK.ID, new FORK.ForkHeader(CallChannel.FORK_STACK, CallChannel.FORK_CHANNEL))
                .putHeader(CORRELATOR, new RequestCorrelator.Header(type, 1, CORRELATOR));
    }
}
