package io.cameliotmp.fuzz;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpDeviceBuilder;
import io.cameliotmp.device.IotmpErrorException;
import io.cameliotmp.device.ResourceKind;
import io.cameliotmp.device.ServerStream;
import io.cameliotmp.device.ServiceLayout;
import io.cameliotmp.device.VirtualDeviceTransport;
import io.cameliotmp.device.VirtualDeviceTransport.Socket;
import io.cameliotmp.protocol.FrameCodec;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrameCodec;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MalformedFrame;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.PsonFormat;
import io.cameliotmp.protocol.legacy.LegacyFrameCodec;
import io.cameliotmp.protocol.legacy.LegacyFrames;
import io.cameliotmp.protocol.legacy.LegacyMessage;
import io.cameliotmp.protocol.legacy.MalformedLegacyFrame;
import io.cameliotmp.protocol.legacy.SignalFlag;
import io.cameliotmp.testing.Frames;
import io.cameliotmp.testing.Hex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;

/**
 * Fuzzes the device client's connection ({@code ClientConnection} with its {@code ResourceStreams}, the device's
 * lifecycle, handler runner, server services and server streams, and for legacy devices the
 * {@code LegacyDeviceAdapter}) against a hostile or broken server. The device is a real {@link IotmpDevice} whose
 * {@code Connector} bootstraps its usual TCP pipeline (write bound, codec, frame clock, connection) on a
 * {@link VirtualDeviceTransport}: a socket the test plays the server on, on an event loop with virtual time, all on the
 * calling thread. Each execution gets its own device, in generation 2 (either service layout), 1 or legacy, with
 * handlers on the loop or on an executor the input drains, and the resources {@code led} (input), {@code temperature}
 * (output, the one streamed), {@code reboot} (run), {@code boom} (fails), {@code refuse} (fails with a code),
 * {@code echo} (input/output), {@code blob} (a large output) and {@code files/:name} (a pattern). Stream ids come
 * from a counter (1, 2, ...), so the CONNECT has id 1.
 * <p>
 * The input is a sequence of actions: feed the server's next bytes as one read, advance virtual time (keep-alive 10
 * s, request timeout 5 s, reconnect backoff 1 to 4 s), let the device call a server service, open or close a server
 * stream or push a stream value, run queued handlers, answer the CONNECT or the device's latest request with OK or
 * ERROR, stop or resume reading what the device writes, drop the connection or refuse the next one. Checks:
 * <ul>
 * <li>no exception reaches the end of the pipeline or escapes a task of the loop, no buffer leaks;</li>
 * <li>every frame the device writes decodes with a strict decoder of its generation (no truncated frame); it
 * answers (OK, ERROR) only requests the server sent, each once, and sends keep-alives no faster than its interval;
 * </li>
 * <li>on each connection the device sends its CONNECT (AUTH for legacy) first and nothing else before the server's
 * OK, except a DISCONNECT when it is closed;</li>
 * <li>an answer to the CONNECT other than its OK, or any other first frame, ends the attempt; an unanswered CONNECT
 * ends it after the request timeout; the device is connected only while its connection is open;</li>
 * <li>a lost connection is followed by a new attempt within the maximum backoff;</li>
 * <li>every call of the device completes at once when its connection is gone (server streams excepted: they open
 * again on the next connection), and a call that waits only for its write within the request timeout (the deadlines
 * of answers are measured on {@code System.nanoTime}, which virtual time does not move);</li>
 * <li>the bounds the client claims hold: bytes queued for a server that does not read (maxPendingWriteBytes), streams
 * the server opened (maxServerStreams), handler work in flight (maxHandlersInFlight, plus one sample per stream);</li>
 * <li>once the device is closed, every connection is closed, every call has completed and no handler is in flight.
 * </li>
 * </ul>
 */
class ClientConnectionFuzzTest {

    static final String USER = "alice";
    static final String DEVICE = "esp32";
    static final String SECRET = "s3cr3t";

    /** Small limits, so that the fuzzer reaches them. */
    static final int MAX_FRAME_SIZE = 4096;
    static final int MAX_PENDING_WRITE_BYTES = 4096;
    static final int MAX_HANDLERS_IN_FLIGHT = 4;
    static final int MAX_SERVER_STREAMS = 3;
    static final Duration KEEP_ALIVE = Duration.ofSeconds(10);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    static final Duration BACKOFF_INITIAL = Duration.ofSeconds(1);
    static final Duration BACKOFF_MAX = Duration.ofSeconds(4);
    static final int MAX_CHUNK = 255;
    static final String[] RESOURCES = { "led", "temperature", "reboot", "boom", "refuse", "echo", "blob",
            "files/:name" };

    static final int FEED = 0;
    static final int ADVANCE_TIME = 1;
    static final int DEVICE_CALL = 2;
    static final int RUN_HANDLERS = 3;
    static final int ANSWER = 4;
    static final int SERVER_READING = 5;
    static final int DROP = 6;
    static final int LAST_ACTION = DROP;

    static final int ANSWER_CONNECT_OK = 0;
    static final int ANSWER_CONNECT_ERROR = 1;
    static final int ANSWER_REQUEST_OK = 2;
    static final int ANSWER_REQUEST_ERROR = 3;

    static final int CALLS = 16;
    /** What the device sends that waits for an answer of the server. */
    static final java.util.Set<MessageType> REQUESTS = java.util.EnumSet.of(MessageType.RUN, MessageType.DESCRIBE,
            MessageType.START_STREAM, MessageType.STOP_STREAM);

    @FuzzTest(maxDuration = "5m")
    void connection(FuzzedDataProvider data) {
        int generation = data.consumeInt(0, 3);
        boolean handlerExecutor = data.consumeBoolean();
        new Execution(generation, handlerExecutor).run(data);
    }

    /** The generation and layout of input byte {@code 0..3}. */
    static Generation generationOf(int choice) {
        return switch (choice) {
            case 0, 1 -> Generation.GEN2;
            case 2 -> Generation.GEN1;
            default -> Generation.LEGACY;
        };
    }

    /** One write of the device, and whether the device was connected (had its OK) and closed when it wrote. */
    record Write(byte[] bytes, boolean connected, boolean closed) {
    }

    /** What the test knows of one connection (attempt) of the device. */
    static final class Connection {
        final Socket socket;
        final List<Write> writes = new ArrayList<>();
        /** What the device sent, decoded by a strict decoder of its generation. */
        final List<Object> frames = new ArrayList<>();
        /** How many of {@link #frames} the device sent before it had the OK. */
        int framesBeforeOk;
        final EmbeddedChannel decoder;
        /** The server's bytes not yet read by the device (it stopped reading), as the kernel holds them. */
        final java.io.ByteArrayOutputStream unread = new java.io.ByteArrayOutputStream();
        /** A decoder of what the server sent, to tell when the device got its first complete frame. */
        final EmbeddedChannel reference;
        boolean serverSentAFrame;
        boolean everConnected;
        /** The ids of the server's requests (RUN, DESCRIBE, START_STREAM, STOP_STREAM) not answered yet, counted. */
        final Map<Integer, Integer> askedIds = new java.util.HashMap<>();
        /** When the device had its OK on this connection (virtual time), or -1. */
        long connectedAtNanos = -1;
        /** KEEP_ALIVEs the device sent here, and those the test asked it to send ({@code device.send}). */
        int keepAlivesSent;
        int keepAlivesAsked;
        long openedAtNanos;
        long closedAtNanos = -1;

        Connection(Socket socket, Generation generation, ByteBufAllocator allocator, long nanos) {
            this.socket = socket;
            this.openedAtNanos = nanos;
            decoder = new EmbeddedChannel(strictDecoder(generation));
            reference = new EmbeddedChannel(generation == Generation.LEGACY
                    ? new LegacyFrameCodec(MAX_FRAME_SIZE, PsonFormat.DEFAULT_MAX_DEPTH)
                    : new IotmpFrameCodec(generation, false, MAX_FRAME_SIZE, PsonFormat.DEFAULT_MAX_DEPTH));
            reference.config().setAllocator(allocator);
        }

        static FrameCodec<?> strictDecoder(Generation generation) {
            return generation == Generation.LEGACY
                    ? new LegacyFrameCodec(Integer.MAX_VALUE, PsonFormat.DEFAULT_MAX_DEPTH)
                    : new IotmpFrameCodec(generation, false, Integer.MAX_VALUE, PsonFormat.DEFAULT_MAX_DEPTH);
        }
    }

    /**
     * A call of the device: its stage, the connection it was made on, and when.
     *
     * @param outlivesConnection a server stream's first opening, which waits for the next connection
     * @param writeDeadline      whether the stage waits only for the write, under a deadline of the loop's clock; the
     *                           deadlines of requests that wait for an answer are measured on {@code System.nanoTime}
     *                           by the connection's {@code RequestTracker}, which virtual time does not move
     */
    record Call(String what, CompletableFuture<?> future, Connection connection, long startNanos,
                boolean outlivesConnection, boolean writeDeadline) {
    }

    /** The calls whose stage completes once the frame is written: unconfirmed service calls, raw sends, stream data. */
    static final java.util.Set<Integer> WRITE_ONLY_CALLS = java.util.Set.of(1, 4, 9, 12);

    static final class Execution {
        final Generation generation;
        final ServiceLayout layout;
        final UnpooledByteBufAllocator allocator = FuzzSupport.countingAllocator();
        final VirtualDeviceTransport.Loop loop = new VirtualDeviceTransport.Loop();
        final Queue<Runnable> handlerQueue;
        final IotmpDevice device;
        final List<Connection> connections = new ArrayList<>();
        final List<Call> calls = new ArrayList<>();
        final List<ServerStream> serverStreams = new ArrayList<>();
        final AtomicInteger nextId = new AtomicInteger(1);
        boolean refuseNextConnect;
        Object led = false;
        /** A check failed inside a write of the device, where Netty would turn it into a failed write. */
        AssertionError violation;

        Execution(int generationChoice, boolean handlerExecutor) {
            generation = generationOf(generationChoice);
            layout = generationChoice == 1 ? ServiceLayout.LINUX : ServiceLayout.EMBEDDED;
            handlerQueue = handlerExecutor ? new ArrayDeque<>() : null;
            VirtualDeviceTransport.listen(new VirtualDeviceTransport.Listener() {
                @Override
                public ByteBufAllocator allocator() {
                    return allocator;
                }

                @Override
                public void created(Socket socket) {
                    connections.add(new Connection(socket, generation, allocator, loop.nanos()));
                }

                @Override
                public boolean acceptConnect(Socket socket) {
                    boolean accept = !refuseNextConnect;
                    refuseNextConnect = false;
                    return accept;
                }

                @Override
                public void written(Socket socket, ByteBuf bytes) {
                    wrote(socket, bytes);
                }
            });
            IotmpDeviceBuilder builder = IotmpDevice.builder().host("127.0.0.1").port(25204)
                    .credentials(USER, DEVICE, SECRET).generation(generation).serviceLayout(layout)
                    .keepAlive(KEEP_ALIVE).requestTimeout(REQUEST_TIMEOUT).connectTimeout(REQUEST_TIMEOUT)
                    .reconnectBackoff(BACKOFF_INITIAL, BACKOFF_MAX)
                    // the silence timeout reads System.nanoTime, not the loop's clock: off, so runs are repeatable
                    .serverSilenceTimeout(Duration.ZERO)
                    .maxFrameSize(MAX_FRAME_SIZE).maxPendingWriteBytes(MAX_PENDING_WRITE_BYTES)
                    .maxHandlersInFlight(MAX_HANDLERS_IN_FLIGHT).maxServerStreams(MAX_SERVER_STREAMS)
                    .minStreamInterval(Duration.ofSeconds(1))
                    .random(new Random(0)).idGenerator(nextId::getAndIncrement);
            if (handlerQueue != null) {
                builder.handlerExecutor(handlerQueue::add);
            }
            device = VirtualDeviceTransport.on(builder, loop).build();
            device.resource("led").input(value -> led = value, () -> led);
            device.resource("temperature").output(() -> ordered("celsius", 23.5));
            device.resource("reboot").run(() -> {
            });
            device.resource("boom").output(() -> {
                throw new IllegalStateException("boom");
            });
            device.resource("refuse").handler(ResourceKind.OUTPUT, request -> {
                throw new IotmpErrorException(403, ordered("error", "not now"));
            });
            device.resource("echo").inputOutput(input -> input);
            device.resource("blob").output(() -> "x".repeat(1500));
            device.resource("files/:name").handler(ResourceKind.OUTPUT, request -> request.pathParams());
        }

        void run(FuzzedDataProvider data) {
            try {
                device.start();
                loop.runPending();
                check();
                while (data.remainingBytes() > 0) {
                    switch (data.consumeInt(FEED, LAST_ACTION)) {
                        case FEED -> feed(data.consumeBytes(data.consumeInt(1, MAX_CHUNK)));
                        case ADVANCE_TIME -> loop.advance(data.consumeInt(0, 255) * 100L);
                        case DEVICE_CALL -> call(data.consumeInt(0, CALLS - 1));
                        case RUN_HANDLERS -> runHandlers(data.consumeInt(1, 16));
                        case ANSWER -> answer(data.consumeInt(0, 3));
                        case SERVER_READING -> serverReading(data.consumeBoolean());
                        default -> drop(data.consumeBoolean());
                    }
                    loop.runPending();
                    deliverUnread();
                    check();
                }
                finish();
            } finally {
                device.closeAsync();
                for (Connection connection : connections) {
                    connection.socket.close();
                    connection.decoder.finishAndReleaseAll();
                    connection.reference.finishAndReleaseAll();
                }
                loop.runPending();
                loop.shutdown();
                VirtualDeviceTransport.stopListening();
            }
            FuzzSupport.assertAllReleased(allocator, "the device's connections");
        }

        Connection current() {
            return connections.isEmpty() ? null : connections.get(connections.size() - 1);
        }

        Connection connectionOf(Socket socket) {
            for (int i = connections.size() - 1; i >= 0; i--) {
                if (connections.get(i).socket == socket) {
                    return connections.get(i);
                }
            }
            throw new AssertionError("a write on a socket the test never saw made");
        }

        // ---------------------------------------------------------------- actions

        /** The server's bytes: read at once, or held as the kernel holds them while the device does not read. */
        void feed(byte[] bytes) {
            Connection connection = current();
            if (bytes.length == 0 || connection == null || !connection.socket.isActive()) {
                return;
            }
            connection.unread.writeBytes(bytes);
            deliverUnread();
        }

        void deliverUnread() {
            Connection connection = current();
            if (connection == null || connection.unread.size() == 0 || !connection.socket.isActive()
                || !connection.socket.config().isAutoRead()) {
                return;
            }
            byte[] bytes = connection.unread.toByteArray();
            connection.unread.reset();
            try {
                connection.reference.writeInbound(FuzzSupport.buffer(allocator, bytes, 0, bytes.length));
            } catch (DecoderException e) {
                connection.serverSentAFrame = true; // a fatal header: the device's codec fails on it too
            }
            for (Object item = connection.reference.readInbound(); item != null;
                 item = connection.reference.readInbound()) {
                connection.serverSentAFrame = true;
                if (item instanceof IotmpMessage request && REQUESTS.contains(request.type())
                    && request.streamId() != 0) {
                    connection.askedIds.merge(request.streamId(), 1, Integer::sum);
                }
            }
            connection.socket.deliver(bytes);
            loop.runPending();
        }

        void call(int which) {
            Connection connection = current();
            CompletionStage<?> stage;
            boolean outlives = false;
            try {
                stage = switch (which) {
                    case 0 -> device.writeBucket("temps", ordered("temp", 21), true);
                    case 1 -> device.writeBucket("temps", 21, false);
                    case 2 -> device.callEndpoint("alert", null, true);
                    case 3 -> device.readProperty("config");
                    case 4 -> device.setProperty("threshold", 45, false);
                    case 5 -> device.lock("door", null);
                    case 6 -> device.unlock("door", "token", true);
                    case 7 -> device.runServerResource("echo", "hi");
                    case 8 -> device.request(IotmpMessage.run(0, "raw", null, null));
                    case 9 -> {
                        if (connection != null) {
                            connection.keepAlivesAsked++;
                        }
                        yield device.send(IotmpMessage.KEEP_ALIVE);
                    }
                    case 10 -> {
                        outlives = true;
                        yield openServerStream();
                    }
                    case 11 -> closeServerStream();
                    case 12 -> sendOnServerStream();
                    case 13 -> device.callDevice("dev2", "led", true, true);
                    case 14 -> {
                        device.stream("temperature");
                        device.streamChanged("led", true);
                        yield null;
                    }
                    default -> {
                        device.stream("blob", "y".repeat(1000));
                        yield null;
                    }
                };
            } catch (UnsupportedOperationException e) {
                return; // CALL_DEVICE outside the LINUX layout: refused at once, by design
            }
            if (stage != null) {
                calls.add(new Call("call " + which, stage.toCompletableFuture(), connection, loop.nanos(),
                        outlives, WRITE_ONLY_CALLS.contains(which)));
            }
        }

        CompletionStage<?> openServerStream() {
            Map<String, Object> parameters = ordered("event", "device_topic_publish", "scope", "subscribe",
                    "topic", "cmd");
            CompletionStage<ServerStream> opened = device.openServerStream(parameters, payload -> {
            });
            opened.thenAccept(serverStreams::add);
            return opened;
        }

        CompletionStage<?> closeServerStream() {
            return serverStreams.isEmpty() ? null : serverStreams.remove(serverStreams.size() - 1).close();
        }

        CompletionStage<?> sendOnServerStream() {
            return serverStreams.isEmpty() ? null : serverStreams.get(serverStreams.size() - 1).send("on");
        }

        void runHandlers(int count) {
            for (int i = 0; i < count && handlerQueue != null && !handlerQueue.isEmpty(); i++) {
                handlerQueue.poll().run();
                loop.runPending();
            }
        }

        void answer(int which) {
            Connection connection = current();
            if (connection == null || !connection.socket.isActive()) {
                return;
            }
            boolean ok = which == ANSWER_CONNECT_OK || which == ANSWER_REQUEST_OK;
            int id;
            if (which == ANSWER_CONNECT_OK || which == ANSWER_CONNECT_ERROR) {
                if (connection.frames.isEmpty()) {
                    return;
                }
                id = streamId(connection.frames.get(0));
                if (generation == Generation.LEGACY) {
                    id = 0; // the AUTH's answer has no id
                }
            } else {
                id = lastRequestId(connection);
                if (id == 0) {
                    return;
                }
            }
            feed(answerFrame(generation, id, ok));
        }

        void serverReading(boolean reads) {
            Connection connection = current();
            if (connection != null && connection.socket.isOpen()) {
                connection.socket.serverReads(reads);
            }
        }

        /** The server closes the connection, or ({@code refuseNext}) also refuses the next attempt. */
        void drop(boolean refuseNext) {
            refuseNextConnect = refuseNext;
            Connection connection = current();
            if (connection != null) {
                connection.socket.close();
            }
        }

        // ---------------------------------------------------------------- what the device sent

        void wrote(Socket socket, ByteBuf buf) {
            try {
                checkWrite(connectionOf(socket), buf);
            } catch (AssertionError e) {
                if (violation == null) {
                    violation = e;
                }
            }
        }

        void checkWrite(Connection connection, ByteBuf buf) {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), bytes);
            Write write = new Write(bytes, device.isConnected(), device.isClosed());
            connection.writes.add(write);
            try {
                connection.decoder.writeInbound(Unpooled.wrappedBuffer(bytes));
            } catch (DecoderException e) {
                throw new AssertionError("the device sent a frame a strict " + generation
                                         + " decoder cannot read: " + Hex.format(bytes), e);
            }
            for (Object item = connection.decoder.readInbound(); item != null;
                 item = connection.decoder.readInbound()) {
                if (item instanceof MalformedFrame || item instanceof MalformedLegacyFrame) {
                    throw new AssertionError("the device sent a frame a strict " + generation
                                             + " decoder cannot read: " + item + " in " + Hex.format(bytes));
                }
                connection.frames.add(item);
                if (item instanceof IotmpMessage answer && answer.type().isResponse()) {
                    // the device answers only what the server asked, each request once
                    Integer asked = connection.askedIds.get(answer.streamId());
                    if (asked == null) {
                        throw new AssertionError("the device sent " + answer + ", but the server has no request "
                                                 + "with that id waiting; it sent " + connection.frames);
                    }
                    if (asked == 1) {
                        connection.askedIds.remove(answer.streamId());
                    } else {
                        connection.askedIds.put(answer.streamId(), asked - 1);
                    }
                }
                if (item instanceof IotmpMessage m && m.type() == MessageType.KEEP_ALIVE
                    || item instanceof LegacyMessage l && l.keepAlive()) {
                    connection.keepAlivesSent++;
                }
                if (!write.connected()) {
                    connection.framesBeforeOk++;
                    boolean first = connection.frames.size() == 1;
                    if (first ? !isConnect(item) : !(write.closed() && isDisconnect(item))) {
                        throw new AssertionError("before the server's OK the device sent " + item + "; it sent "
                                                 + connection.frames);
                    }
                }
            }
            if (write.connected()) {
                connection.everConnected = true;
            }
        }

        boolean isConnect(Object frame) {
            return frame instanceof IotmpMessage m ? m.type() == MessageType.CONNECT
                    : ((LegacyMessage) frame).flag() == SignalFlag.AUTH;
        }

        boolean isDisconnect(Object frame) {
            // the legacy library has no DISCONNECT: it just closes
            return frame instanceof IotmpMessage m && m.type() == MessageType.DISCONNECT;
        }

        static int streamId(Object frame) {
            return frame instanceof IotmpMessage m ? m.streamId() : ((LegacyMessage) frame).streamId();
        }

        /** The id of the device's latest request on {@code connection} (a frame that waits for an answer), or 0. */
        static int lastRequestId(Connection connection) {
            for (int i = connection.frames.size() - 1; i > 0; i--) {
                Object frame = connection.frames.get(i);
                boolean request = frame instanceof IotmpMessage m
                        ? REQUESTS.contains(m.type())
                        : !((LegacyMessage) frame).keepAlive() && !((LegacyMessage) frame).flag().isAnswer();
                if (request && streamId(frame) != 0) {
                    return streamId(frame);
                }
            }
            return 0;
        }

        // ---------------------------------------------------------------- checks

        void check() {
            if (violation != null) {
                throw violation;
            }
            long nanos = loop.nanos();
            for (Connection connection : connections) {
                Socket socket = connection.socket;
                if (!socket.unhandledExceptions().isEmpty()) {
                    AssertionError error = new AssertionError("exceptions reached the end of the device's pipeline: "
                                                              + socket.unhandledExceptions());
                    socket.unhandledExceptions().forEach(error::addSuppressed);
                    throw error;
                }
                if (!socket.isOpen() && connection.closedAtNanos < 0) {
                    connection.closedAtNanos = nanos;
                }
            }
            Connection current = current();
            if (device.isConnected() && (current == null || !current.socket.isActive())) {
                throw new AssertionError("the device says it is connected, but its connection is closed");
            }
            if (device.isConnected() && current.connectedAtNanos < 0) {
                current.connectedAtNanos = nanos;
            }
            if (current != null && current.connectedAtNanos >= 0) {
                // keep-alives go at a fixed rate from the OK, as the references send them (§5.2), and only then
                long connectedFor = (current.closedAtNanos >= 0 ? current.closedAtNanos : nanos)
                                    - current.connectedAtNanos;
                long allowed = connectedFor / nanos(KEEP_ALIVE) + current.keepAlivesAsked;
                if (current.keepAlivesSent > allowed) {
                    throw new AssertionError("the device sent " + current.keepAlivesSent + " KEEP_ALIVEs in "
                                             + TimeUnit.NANOSECONDS.toMillis(connectedFor) + " ms connected ("
                                             + current.keepAlivesAsked + " asked for); the device " + state());
                }
            }
            if (current != null && current.socket.isActive()) {
                long pending = current.socket.pendingWriteBytes();
                if (pending > MAX_PENDING_WRITE_BYTES) {
                    throw new AssertionError(pending + " bytes wait for a server that does not read, more than the "
                                             + MAX_PENDING_WRITE_BYTES + " the device allows");
                }
                if (!device.isConnected()) {
                    if (current.serverSentAFrame) {
                        throw new AssertionError("the server's first frame did not end the unanswered CONNECT");
                    }
                    if (nanos - current.openedAtNanos > nanos(REQUEST_TIMEOUT)) {
                        throw new AssertionError("the CONNECT has been unanswered for "
                                                 + TimeUnit.NANOSECONDS.toMillis(nanos - current.openedAtNanos)
                                                 + " ms and the attempt goes on");
                    }
                }
            }
            if (current != null && current.closedAtNanos >= 0 && !device.isClosed()
                && nanos - current.closedAtNanos > nanos(BACKOFF_MAX)) {
                throw new AssertionError("no new connection attempt "
                                         + TimeUnit.NANOSECONDS.toMillis(nanos - current.closedAtNanos)
                                         + " ms after the last one ended");
            }
            int streams = VirtualDeviceTransport.openResourceStreams(device, RESOURCES);
            if (streams > MAX_SERVER_STREAMS) {
                throw new AssertionError(streams + " streams open on the device's resources, more than "
                                         + MAX_SERVER_STREAMS);
            }
            int inFlight = device.transportStats().handlersInFlight();
            if (inFlight > MAX_HANDLERS_IN_FLIGHT + MAX_SERVER_STREAMS) {
                throw new AssertionError(inFlight + " handler runs in flight, more than " + MAX_HANDLERS_IN_FLIGHT
                                         + " (and one sample for each of " + MAX_SERVER_STREAMS + " streams)");
            }
            for (Call call : calls) {
                if (call.future().isDone() || call.outlivesConnection()) {
                    continue;
                }
                if (call.connection() == null || !call.connection().socket.isOpen()) {
                    throw new AssertionError(call.what() + " is still pending after its connection closed");
                }
                if (call.writeDeadline() && nanos - call.startNanos() > nanos(REQUEST_TIMEOUT)) {
                    throw new AssertionError(call.what() + " is still pending after the request timeout ("
                                             + TimeUnit.NANOSECONDS.toMillis(nanos - call.startNanos())
                                             + " ms); the device " + state());
                }
            }
        }

        /** The state of the device and its connection, for the messages of failed checks. */
        String state() {
            Connection current = current();
            return (device.isConnected() ? "is connected" : "is not connected") + " on connection "
                   + connections.size() + (current == null ? ""
                           : (current.socket.isActive() ? ", open" : ", closed")
                             + (current.socket.config().isAutoRead() ? "" : ", not reading")
                             + (current.socket.serverReads() ? "" : ", the server not reading"))
                   + ", " + device.transportStats().handlersInFlight() + " handlers in flight; it sent "
                   + (current == null ? "nothing" : current.frames);
        }

        /** Closes the device, lets everything finish, and checks that nothing is left. */
        void finish() {
            CompletableFuture<Void> closed = device.closeAsync().toCompletableFuture();
            loop.runPending();
            loop.advance(2000); // past the DISCONNECT's linger, for a server that stopped reading
            runHandlers(Integer.MAX_VALUE);
            loop.runPending();
            check();
            if (!closed.isDone()) {
                throw new AssertionError("the device's close did not complete");
            }
            for (Connection connection : connections) {
                if (connection.socket.isOpen()) {
                    throw new AssertionError("a connection is still open after the device closed");
                }
                if (((FrameCodec<?>) connection.decoder.pipeline().first()).hasPartialFrame()) {
                    throw new AssertionError("the device sent a truncated frame: " + connection.frames);
                }
            }
            for (Call call : calls) {
                if (!call.future().isDone()) {
                    throw new AssertionError(call.what() + " is still pending after the device closed");
                }
            }
            if (device.transportStats().handlersInFlight() != 0) {
                throw new AssertionError(device.transportStats().handlersInFlight()
                                         + " handler runs in flight after the device closed and they all ran");
            }
        }

        static long nanos(Duration duration) {
            return duration.toNanos();
        }
    }

    // ---------------------------------------------------------------- frames of the server

    /** OK or ERROR with {@code id}, in the frames of {@code generation}. */
    static byte[] answerFrame(Generation generation, int id, boolean ok) {
        if (generation == Generation.LEGACY) {
            ByteBuf buf = Unpooled.buffer();
            LegacyFrames.encode(new LegacyMessage(false, id, ok ? SignalFlag.REQUEST_OK : SignalFlag.REQUEST_ERROR,
                    null, null, null), buf);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        }
        return Frames.encode(ok ? IotmpMessage.ok(id) : IotmpMessage.error(id, null, null), generation);
    }

    // ---------------------------------------------------------------- seeds (ClientConnectionFuzzTestInputs)

    /** Builds an input: the device's generation and handler executor, then actions. */
    static final class Script {
        private final FuzzSupport.FdpInput input = new FuzzSupport.FdpInput();
        final Generation generation;

        Script(int generationChoice, boolean handlerExecutor) {
            input.intInRange(generationChoice, 0, 3).bool(handlerExecutor);
            generation = generationOf(generationChoice);
        }

        /** Feeds the bytes, in reads of at most {@value #MAX_CHUNK} bytes. */
        Script send(byte[] bytes) {
            input.feeds(bytes, FEED, LAST_ACTION, MAX_CHUNK);
            return this;
        }

        Script send(String hex) {
            return send(Hex.bytes(hex));
        }

        /** Feeds {@code messages} in one read, encoded in the script's (IOTMP) generation. */
        Script send(IotmpMessage... messages) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            for (IotmpMessage message : messages) {
                bytes.writeBytes(Frames.encode(message, generation));
            }
            return send(bytes.toByteArray());
        }

        Script advance(int tenthsOfSeconds) {
            input.intInRange(ADVANCE_TIME, FEED, LAST_ACTION).intInRange(tenthsOfSeconds, 0, 255);
            return this;
        }

        Script call(int which) {
            input.intInRange(DEVICE_CALL, FEED, LAST_ACTION).intInRange(which, 0, CALLS - 1);
            return this;
        }

        Script runHandlers(int count) {
            input.intInRange(RUN_HANDLERS, FEED, LAST_ACTION).intInRange(count, 1, 16);
            return this;
        }

        Script answer(int which) {
            input.intInRange(ANSWER, FEED, LAST_ACTION).intInRange(which, 0, 3);
            return this;
        }

        Script serverReads(boolean reads) {
            input.intInRange(SERVER_READING, FEED, LAST_ACTION).bool(reads);
            return this;
        }

        Script drop(boolean refuseNext) {
            input.intInRange(DROP, FEED, LAST_ACTION).bool(refuseNext);
            return this;
        }

        byte[] build() {
            return input.build();
        }
    }

    private static final String[] GENERATION_NAMES = { "gen2-embedded", "gen2-linux", "gen1", "legacy" };

    static Map<String, byte[]> seeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (int choice = 0; choice < 4; choice++) {
            for (boolean executor : new boolean[] { false, true }) {
                String suffix = GENERATION_NAMES[choice] + (executor ? "-executor" : "");
                seeds.put("connect-ok-" + suffix, new Script(choice, executor).answer(ANSWER_CONNECT_OK)
                        .send(keepAlive(choice)).advance(105).build());
                seeds.put("connect-refused-" + suffix, new Script(choice, executor).answer(ANSWER_CONNECT_ERROR)
                        .advance(45).answer(ANSWER_CONNECT_OK).call(0).answer(ANSWER_REQUEST_OK).build());
                seeds.put("session-" + suffix, session(choice, executor));
            }
        }
        seeds.put("connect-unanswered", new Script(0, false).advance(60).advance(45).answer(ANSWER_CONNECT_OK)
                .build());
        seeds.put("connect-ok-wrong-id", new Script(0, false).send("01 02 08 07").advance(45).build());
        seeds.put("connect-answered-by-a-run", new Script(0, false).send("06 0A 08 02 22 84 65 63 68 6F")
                .advance(45).answer(ANSWER_CONNECT_OK).build());
        seeds.put("connect-answered-by-keepalive", new Script(0, false).send("05 00").advance(45).build());
        seeds.put("connect-refused-then-unreachable", new Script(0, false).answer(ANSWER_CONNECT_ERROR)
                .drop(true).advance(45).advance(45).answer(ANSWER_CONNECT_OK).build());
        seeds.put("dropped-and-refused", new Script(0, false).answer(ANSWER_CONNECT_OK).call(10)
                .answer(ANSWER_REQUEST_OK).drop(true).advance(45).advance(45).answer(ANSWER_CONNECT_OK)
                .answer(ANSWER_REQUEST_OK).build());
        seeds.put("server-stops-reading", new Script(0, false).answer(ANSWER_CONNECT_OK).serverReads(false)
                .send(run(201, "blob", null), run(202, "blob", null), run(203, "blob", null),
                        run(204, "blob", null))
                .advance(45).answer(ANSWER_CONNECT_OK).build());
        seeds.put("server-stops-reading-then-resumes", new Script(0, false).answer(ANSWER_CONNECT_OK)
                .serverReads(false).send(run(201, "blob", null)).call(9).call(0).serverReads(true)
                .answer(ANSWER_REQUEST_OK).build());
        seeds.put("server-stops-reading-at-close", new Script(0, true).answer(ANSWER_CONNECT_OK)
                .serverReads(false).call(1).build());
        seeds.put("handlers-saturated", new Script(0, true).answer(ANSWER_CONNECT_OK)
                .send(run(201, "echo", 1), run(202, "echo", 2), run(203, "echo", 3), run(204, "echo", 4),
                        run(205, "echo", 5), run(206, "echo", 6), run(207, "echo", 7), run(208, "echo", 8))
                .send(run(209, "echo", 9)).runHandlers(2).runHandlers(1).runHandlers(16).runHandlers(16).build());
        seeds.put("streams-over-the-limit", new Script(0, true).answer(ANSWER_CONNECT_OK)
                .send(startStream(201, "temperature", ordered("interval", 1000)),
                        startStream(202, "files/a", ordered("interval", 1000)),
                        startStream(203, "files/b", ordered("interval", 1000)),
                        startStream(204, "files/c", ordered("interval", 1000)))
                .advance(30).runHandlers(16).advance(30).runHandlers(16).build());
        seeds.put("server-stream-opened-before-connect", new Script(0, false).call(10).answer(ANSWER_CONNECT_OK)
                .answer(ANSWER_REQUEST_OK).send(IotmpMessage.streamData(2, "reboot")).call(12).call(11)
                .answer(ANSWER_REQUEST_OK).build());
        seeds.put("server-stream-stopped-by-server", new Script(0, false).answer(ANSWER_CONNECT_OK).call(10)
                .answer(ANSWER_REQUEST_OK).send(IotmpMessage.stopStream(2)).call(12).call(11).build());
        seeds.put("partial-frame-stalls", new Script(0, false).answer(ANSWER_CONNECT_OK).send("06 10 08 01")
                .advance(60).advance(60).build());
        seeds.put("disconnect-then-reconnect", new Script(0, false).answer(ANSWER_CONNECT_OK).call(10)
                .send("04 00").advance(45).answer(ANSWER_CONNECT_OK).answer(ANSWER_REQUEST_ERROR).build());
        for (Map.Entry<String, String> malformed : SeedNames.MALFORMED_FRAMES.entrySet()) {
            seeds.put(SeedNames.of("after-ok-malformed", malformed.getKey()), new Script(0, false)
                    .answer(ANSWER_CONNECT_OK).send(malformed.getValue()).send("05 00").build());
            seeds.put(SeedNames.of("before-ok-malformed", malformed.getKey()), new Script(0, false)
                    .send(malformed.getValue()).answer(ANSWER_CONNECT_OK).build());
        }
        for (io.cameliotmp.testing.IotmpVectors.FrameVector frame : io.cameliotmp.testing.IotmpVectors.load()
                .frames()) {
            int choice = frame.generation() == Generation.GEN1 ? 2 : 0;
            seeds.put(SeedNames.of("after-ok", frame.row().id()), new Script(choice, false)
                    .answer(ANSWER_CONNECT_OK).send(frame.bytes()).send(keepAlive(choice)).build());
        }
        for (io.cameliotmp.testing.LegacyVectors.Row row : io.cameliotmp.testing.LegacyVectors.load()) {
            if (!row.fromDevice()) {
                seeds.put(SeedNames.of("legacy-after-auth", row.id()), new Script(3, false)
                        .answer(ANSWER_CONNECT_OK).send(row.bytes()).send(keepAlive(3)).build());
            }
        }
        return seeds;
    }

    /** A whole session: the server's requests of every kind answered, every call of the device, a reconnect. */
    private static byte[] session(int choice, boolean executor) {
        Script script = new Script(choice, executor).answer(ANSWER_CONNECT_OK);
        if (choice == 3) {
            for (io.cameliotmp.testing.LegacyVectors.Row row : io.cameliotmp.testing.LegacyVectors.load()) {
                if (!row.fromDevice()) {
                    script.send(row.bytes());
                }
            }
        } else {
            script.send(run(101, "led", true), run(102, "temperature", null), run(103, "reboot", null),
                    run(104, "boom", null), run(105, "refuse", null), run(106, "echo", ordered("a", 1)),
                    run(107, "nope", null), run(0, "reboot", null), run(108, "files/readme.txt", null));
            script.send(IotmpMessage.describe(109, null), IotmpMessage.describe(110, "led"),
                    IotmpMessage.describe(111, "temperature"), IotmpMessage.describe(112, "reboot"));
            script.send(startStream(113, "temperature", ordered("interval", 2000)),
                    startStream(114, "led", null), IotmpMessage.streamData(114, false),
                    startStream(115, "echo", null), startStream(116, "blob", null));
            script.send(IotmpMessage.stopStream(113), IotmpMessage.stopStream(999), IotmpMessage.KEEP_ALIVE);
        }
        if (executor) {
            script.runHandlers(16).runHandlers(16);
        }
        script.advance(50);
        for (int call = 0; call < CALLS; call++) {
            script.call(call);
            if (call % 3 == 0) {
                script.answer(ANSWER_REQUEST_OK);
            } else if (call % 3 == 1) {
                script.answer(ANSWER_REQUEST_ERROR);
            }
        }
        if (executor) {
            script.runHandlers(16);
        }
        script.advance(60);
        script.send(choice == 3 ? new byte[0] : Hex.bytes("04 00")).drop(false).advance(45)
                .answer(ANSWER_CONNECT_OK).answer(ANSWER_REQUEST_OK);
        return script.build();
    }

    private static byte[] keepAlive(int choice) {
        return Hex.bytes(choice == 3 ? "02 00" : "05 00");
    }

    private static IotmpMessage run(int id, String resource, Object input) {
        return IotmpMessage.run(id, resource, null, input);
    }

    private static IotmpMessage startStream(int id, String resource, Object parameters) {
        return IotmpMessage.startStream(id, resource, parameters);
    }

    /** A map with the keys in the given order. */
    static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
