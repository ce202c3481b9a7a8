package io.cameliotmp.camel.device;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpDeviceBuilder;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrames;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.PsonFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.Future;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hostile server floods a route-backed device with RUNs while the route is slow: the component's handler executor
 * must never run the route on the device's Netty event loop (a caller-runs executor did, stalling the connection).
 */
class IotmpDeviceComponentHandlerFloodTest extends CamelTestSupport {

    /** More than Camel's default queue of 1000 plus the thread, the point where caller-runs set in. */
    private static final int RUNS = 1500;

    private final ServerSocket server = openServer();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger onEventLoop = new AtomicInteger();

    private static ServerSocket openServer() {
        try {
            return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void closeServer() throws Exception {
        release.countDown();
        server.close();
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        IotmpDeviceConfiguration device = context.getComponent("iotmp-device", IotmpDeviceComponent.class)
                .getConfiguration();
        device.setHost("127.0.0.1");
        device.setPort(server.getLocalPort());
        device.setUser("demo");
        device.setDevice("flooded");
        device.setCredential("secret");
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp-device:slow").process(e -> {
                    // Netty's event loop threads are FastThreadLocalThreads; Camel's pool threads are not
                    if (Thread.currentThread() instanceof FastThreadLocalThread) {
                        onEventLoop.incrementAndGet();
                    }
                    started.incrementAndGet();
                    release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    e.getMessage().setBody("done");
                });
            }
        };
    }

    @Test
    void aFloodOfRunsNeverRunsARouteOnTheEventLoop() throws Exception {
        server.setSoTimeout((int) WAIT.toMillis());
        try (Socket socket = server.accept()) {
            socket.setSoTimeout((int) WAIT.toMillis());
            FrameReader in = new FrameReader(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            IotmpMessage connect = in.next();
            assertThat(connect.type()).isEqualTo(MessageType.CONNECT);
            write(out, IotmpMessage.ok(connect.streamId()));
            IotmpDevice device = context.getComponent("iotmp-device", IotmpDeviceComponent.class).connections()
                    .all().get(0).device();
            eventually().until(device::isConnected);
            // The component's connected callback runs on the handler thread and counts towards the device's limit
            // until it is done. A flood read before that stops reading at the limit with the callback among it; once
            // the callback is done the device holds one handler less than the limit and reads again only at half of
            // it, so the wait below for the limit would never end. Let it finish first: the callback is handed over
            // in the loop's task that connected, so a task after it sees it counted.
            device.eventLoop().submit(() -> { }).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            eventually().until(() -> device.transportStats().handlersInFlight() == 0);

            ByteBuf flood = Unpooled.buffer();
            for (int id = 1; id <= RUNS; id++) {
                IotmpFrames.encode(IotmpMessage.run(id, "slow", null, null), Generation.GEN2, flood);
            }
            // written by a thread of its own: a device that stops reading must not block the test
            Thread writer = new Thread(() -> {
                try {
                    out.write(ByteBufUtil.getBytes(flood));
                    out.flush();
                } catch (Exception e) {
                    // the device closed the connection: the answers the test waits for tell
                }
            });
            writer.start();

            // The routes block until the device holds all it will: the flood is written, the device's loop ran a
            // task after reading what it could, and it holds its limit of handlers (or a route ran on the loop,
            // which then never runs that task).
            writer.join(WAIT.toMillis());
            for (int round = 0; round < 2; round++) {
                Future<?> idle = device.eventLoop().submit(() -> { });
                eventually().until(() -> onEventLoop.get() > 0 || idle.isDone());
            }
            int limit = IotmpDeviceBuilder.DEFAULT_MAX_HANDLERS_IN_FLIGHT;
            eventually().until(() -> onEventLoop.get() > 0 || device.transportStats().handlersInFlight() >= limit);
            release.countDown();

            Set<Integer> answered = new HashSet<>();
            while (answered.size() < RUNS) {
                IotmpMessage answer = in.next();
                if (answer.type() == MessageType.OK || answer.type() == MessageType.ERROR) {
                    assertThat(answer.type()).as("answer %s", answer).isEqualTo(MessageType.OK);
                    answered.add(answer.streamId());
                }
            }
            assertThat(started.get()).isEqualTo(RUNS);
            assertThat(onEventLoop.get()).as("routes run on the Netty event loop").isZero();
        }
    }

    private static void write(OutputStream out, IotmpMessage message) throws Exception {
        ByteBuf buf = Unpooled.buffer();
        IotmpFrames.encode(message, Generation.GEN2, buf);
        out.write(ByteBufUtil.getBytes(buf));
        out.flush();
    }

    /** Cuts a blocking stream into frames. */
    private static final class FrameReader {
        private final InputStream in;
        private final ByteBuf buffer = Unpooled.buffer();
        private final byte[] chunk = new byte[8192];

        FrameReader(InputStream in) {
            this.in = in;
        }

        IotmpMessage next() throws Exception {
            while (true) {
                IotmpFrames.Header header = IotmpFrames.peekHeader(buffer, IotmpFrames.DEFAULT_MAX_FRAME_SIZE);
                if (header != null && buffer.readableBytes() >= header.frameLength()) {
                    int start = buffer.readerIndex();
                    IotmpMessage message = IotmpFrames.decodeBody(MessageType.fromCode(header.typeCode()), buffer,
                            start + header.headerLength(), start + header.frameLength(), Generation.GEN2, true,
                            PsonFormat.DEFAULT_MAX_DEPTH);
                    buffer.skipBytes(header.frameLength());
                    buffer.discardReadBytes();
                    return message;
                }
                int read = in.read(chunk);
                if (read < 0) {
                    throw new AssertionError("the device closed the connection");
                }
                buffer.writeBytes(chunk, 0, read);
            }
        }
    }
}
