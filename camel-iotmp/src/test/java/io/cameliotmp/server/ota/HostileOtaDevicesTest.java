package io.cameliotmp.server.ota;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.StaticAuthenticator;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.Waits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Firmware updates against devices made of raw frames that answer what no library would: twice, ahead of the request,
 * with stream data on the request's id, with options of the wrong types and sizes, {@code success} of the wrong type,
 * a version of 200 KB full of line breaks. Every update ends with its typed outcome, sends each chunk once, and
 * leaves no claim behind.
 */
class HostileOtaDevicesTest {

    private static final DeviceId DEVICE = new DeviceId("alice", "esp32");

    private IotmpServer server;
    private int port;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<RawIotmpSocket> sockets = new CopyOnWriteArrayList<>();

    /** What a scripted device answers a RUN with; null for no answer. */
    @FunctionalInterface
    interface Script {
        IotmpMessage answer(RawIotmpSocket socket, IotmpMessage run) throws IOException;
    }

    @BeforeEach
    void start() {
        server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(0).nativeTransport(false)
                .authenticator(StaticAuthenticator.parse("alice/esp32=s3cr3t")).build());
        server.start();
        port = server.localAddress().getPort();
    }

    @AfterEach
    void stop() {
        sockets.forEach(RawIotmpSocket::closeQuietly);
        threads.shutdownNow();
        server.stop();
    }

    /** Connects a device answering every RUN as {@code script} says, until its connection ends. */
    private void device(Script script) throws IOException {
        long before = server.registry().registration(DEVICE).map(r -> r.sessionNumber()).orElse(0L);
        RawIotmpSocket socket = RawIotmpSocket.connect(port, "alice", "esp32", "s3cr3t");
        sockets.add(socket);
        eventually().until(() -> server.registry().registration(DEVICE).map(r -> r.sessionNumber() > before)
                .orElse(false));
        threads.execute(() -> {
            try {
                while (true) {
                    IotmpMessage run = socket.readUntil(MessageType.RUN, Generation.GEN2);
                    IotmpMessage answer = script.answer(socket, run);
                    if (answer != null) {
                        socket.send(answer, Generation.GEN2);
                    }
                }
            } catch (IOException e) {
                // the connection ended
            }
        });
    }

    private static IotmpMessage success(IotmpMessage run) {
        return IotmpMessage.ok(run.streamId(), Map.of("success", true));
    }

    private CompletableFuture<FirmwareUpdateReport> update(byte[] image, FirmwareUpdateOptions options) {
        return FirmwareUpdate.start(server, DEVICE, FirmwareImage.of(image), options, null, threads);
    }

    private static FirmwareUpdateException failure(CompletableFuture<FirmwareUpdateReport> update) {
        Throwable ended = catchThrowable(() -> update.get(Waits.WAIT.toSeconds(), TimeUnit.SECONDS));
        assertThat(ended).as("the update failed").isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(FirmwareUpdateException.class);
        return (FirmwareUpdateException) ended.getCause();
    }

    @Test
    void answersTwiceAheadAndWithStreamDataOnTheRequestsIdAreIgnored() throws Exception {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        device((socket, run) -> switch (run.resourcePath()) {
            // a number of the wrong kind and size, a negative timeout, a flag and a version of the wrong types
            case FirmwareUpdate.OPTIONS -> IotmpMessage.ok(run.streamId(), Map.of("block_size", 1e12, "timeout", -5,
                    "enabled", "no", "version", 12));
            case FirmwareUpdate.WRITE -> {
                synchronized (received) {
                    received.write((byte[]) run.payload());
                }
                // ahead: the id of the next request, not sent yet; then stream data on the request's own id
                socket.send(IotmpMessage.ok(run.streamId() + 1, Map.of("success", true)), Generation.GEN2);
                socket.send(IotmpMessage.streamData(run.streamId(), Map.of("success", false)), Generation.GEN2);
                yield success(run);
            }
            case FirmwareUpdate.REBOOT -> IotmpMessage.ok(run.streamId());
            default -> {
                socket.send(success(run), Generation.GEN2); // the same answer twice
                yield success(run);
            }
        });
        byte[] image = FirmwareUpdateTest.image(100_000, "2.0.0");
        FirmwareUpdateReport report = update(image, FirmwareUpdateOptions.defaults().withRebootTimeout(Duration.ZERO))
                .get(Waits.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(report.outcome()).isEqualTo(OtaOutcome.STAGED);
        assertThat(report.previousVersion()).as("a version that is no text is unknown").isNull();
        // the block size the device claimed is bounded by what the server sends a device
        assertThat(report.blockSize()).isLessThanOrEqualTo(DeviceOtaOptions.MAX_BLOCK_SIZE);
        synchronized (received) {
            assertThat(received.toByteArray()).as("every chunk sent once, in order").isEqualTo(image);
        }
        assertThat(server.firmwareUpdates().running()).isZero();
    }

    @Test
    void aSuccessOfTheWrongTypeIsNoSuccess() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        device((socket, run) -> {
            asked.add(run.resourcePath());
            return switch (run.resourcePath()) {
                case FirmwareUpdate.OPTIONS -> IotmpMessage.ok(run.streamId(), Map.of("block_size", 4096L));
                default -> IotmpMessage.ok(run.streamId(), Map.of("success", "true"));
            };
        });
        FirmwareUpdateException e = failure(update(FirmwareUpdateTest.image(10_000, "2.0.0"),
                FirmwareUpdateOptions.defaults()));
        assertThat(e.failure()).isEqualTo(OtaFailure.BEGIN_REFUSED);
        // not "success: false", which the device did not say
        assertThat(e.getMessage()).contains("the device answered success as a text, not true or false");
        assertThat(e.report().chunks()).isZero();
        assertThat(asked).containsExactly(FirmwareUpdate.OPTIONS, FirmwareUpdate.BEGIN);
        assertThat(server.firmwareUpdates().running()).isZero();
    }

    /** Back after its reboot, it tells a version of 200 KB and line breaks: cut, escaped, and a mismatch. */
    @Test
    void aHugeVersionWithLineBreaksAfterTheRebootIsCutAndEscaped() throws Exception {
        String huge = "9.9.9\nFAKE LOG LINE ".repeat(10_000); // 200 KB, within the frame size
        device((socket, run) -> switch (run.resourcePath()) {
            case FirmwareUpdate.OPTIONS -> IotmpMessage.ok(run.streamId(), Map.of("block_size", 4096L,
                    "version", "1.0.0"));
            case FirmwareUpdate.REBOOT -> {
                threads.execute(() -> {
                    try {
                        socket.close();
                        device((back, asked) -> IotmpMessage.ok(asked.streamId(), Map.of("version", huge)));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                yield IotmpMessage.ok(run.streamId());
            }
            default -> success(run);
        });
        FirmwareUpdateException e = failure(update(FirmwareUpdateTest.image(10_000, "2.0.0"),
                FirmwareUpdateOptions.defaults().withRebootTimeout(Waits.WAIT)));
        assertThat(e.failure()).isEqualTo(OtaFailure.VERSION_MISMATCH);
        assertThat(e.report().version()).hasSizeLessThanOrEqualTo(128);
        assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(2048);
        assertThat(server.firmwareUpdates().running()).isZero();
    }
}
