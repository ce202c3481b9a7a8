package io.cameliotmp.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrames;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.HashedWheelTimer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A device that subscribes while a retained message is being published gets it once: as the topic's retained message
 * or as the publication, not both. The publication kept the message as retained, then handed it to the
 * subscriptions listed by then; a subscription made in between (on another thread: another device's connection, or
 * in a cluster the thread of a relay) got the new retained message on subscribing and the publication again.
 */
class RetainedOnSubscribeTest {

    private static final Map<String, Object> SUBSCRIBE_T = Map.of("event", "device_topic_publish", "scope",
            "subscribe", "topic", "t");

    private final HashedWheelTimer timer = new HashedWheelTimer();
    /** The channel whose writes wait, once set, until {@link #release} opens; {@link #reached} tells one waits. */
    private final AtomicReference<Channel> held = new AtomicReference<>();
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final IotmpServer server = EmbeddedDevicePipeline.unstartedServer(IotmpServerConfig.builder().port(0)
            .workerThreads(0).nativeTransport(false).authenticator(StaticAuthenticator.parse("alice/*=pw,bob/*=pw"))
            .channelInitializer((channel, pipeline) -> {
                channel.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
                    @Override
                    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
                            throws Exception {
                        if (ctx.channel() == held.get()) {
                            reached.countDown();
                            release.await(60, TimeUnit.SECONDS);
                        }
                        super.write(ctx, msg, promise);
                    }
                });
                pipeline.addDefaults();
            }).build(), timer);

    @AfterEach
    void close() {
        release.countDown();
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        timer.stop();
    }

    @Test
    void aDeviceSubscribingWhileARetainedMessageIsPublishedGetsItOnce() throws Exception {
        // bob's subscription is handed the route's publication for every user before alice's (by user, in order)
        EmbeddedChannel bob = device("bob");
        subscribe(bob, 2);
        EmbeddedChannel alice = device("alice");
        assertThat(bobFirst()).as("bob's subscriptions are handed messages first").isTrue();

        held.set(bob);
        CompletableFuture<Void> published = CompletableFuture.runAsync(
                () -> server.topics().publish(null, "t", "on", true));
        // the message is retained, and the publication is on its way to the subscriptions
        assertThat(reached.await(60, TimeUnit.SECONDS)).isTrue();
        subscribe(alice, 2);
        release.countDown();
        published.get(60, TimeUnit.SECONDS);

        assertThat(streamData(alice)).as("alice's stream 2").containsExactly("on");
    }

    /**
     * True when a publication for every user reaches bob's subscriptions before alice's: they are kept by user in a
     * concurrent map, whose order the names decide.
     */
    private static boolean bobFirst() {
        Map<String, Object> users = new ConcurrentHashMap<>();
        users.put("alice", 1);
        users.put("bob", 2);
        return users.keySet().iterator().next().equals("bob");
    }

    private EmbeddedChannel device(String user) {
        EmbeddedChannel channel = EmbeddedDevicePipeline.connect(server, UnpooledByteBufAllocator.DEFAULT);
        channels.add(channel);
        send(channel, IotmpMessage.connect(1, user, "d1", "pw"));
        assertThat(next(channel).type()).isEqualTo(MessageType.OK);
        return channel;
    }

    private static void subscribe(EmbeddedChannel channel, int streamId) {
        send(channel, IotmpMessage.startStream(streamId, 8, SUBSCRIBE_T));
        assertThat(next(channel).type()).isEqualTo(MessageType.OK);
    }

    private static void send(EmbeddedChannel channel, IotmpMessage message) {
        ByteBuf buf = Unpooled.buffer();
        IotmpFrames.encode(message, Generation.GEN2, buf);
        channel.writeInbound(buf);
    }

    private static IotmpMessage next(EmbeddedChannel channel) {
        ByteBuf out = channel.readOutbound();
        assertThat(out).as("a frame written").isNotNull();
        try {
            IotmpFrames.Header header = IotmpFrames.peekHeader(out, Integer.MAX_VALUE);
            int start = out.readerIndex() + header.headerLength();
            return IotmpFrames.decodeBody(MessageType.fromCode(header.typeCode()), out, start,
                    start + header.bodySize(), Generation.GEN2, true, 32);
        } finally {
            out.release();
        }
    }

    /** The payloads of the STREAM_DATA written to the channel so far. */
    private static List<Object> streamData(EmbeddedChannel channel) {
        channel.runPendingTasks();
        List<Object> payloads = new ArrayList<>();
        while (!channel.outboundMessages().isEmpty()) {
            IotmpMessage message = next(channel);
            if (message.type() == MessageType.STREAM_DATA) {
                payloads.add(message.payload());
            }
        }
        return payloads;
    }
}
