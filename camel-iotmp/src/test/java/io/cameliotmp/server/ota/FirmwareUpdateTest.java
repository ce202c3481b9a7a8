package io.cameliotmp.server.ota;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpDeviceBuilder;
import io.cameliotmp.device.OtaSettings;
import io.cameliotmp.device.OtaTarget;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.session.FirmwareVersionMarker;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.LegacyListeners;
import io.cameliotmp.server.ServerLimits;
import io.cameliotmp.server.StaticAuthenticator;
import io.cameliotmp.server.TooManyPendingRequestsException;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.StderrCapture;
import io.cameliotmp.testing.Waits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Firmware updates end to end, without Camel: the real server's {@link FirmwareUpdate} against the Java device
 * client's {@code $ota} resources, with and without compression, and interrupted at every step.
 */
class FirmwareUpdateTest {

    private static final DeviceId DEVICE = new DeviceId("alice", "esp32");

    @TempDir
    Path temp;

    private IotmpServer server;
    /** What a test changes in the server's configuration, before its first device starts the server. */
    private Consumer<IotmpServerConfig.Builder> serverOptions = config -> {
    };
    private final List<IotmpDevice> devices = new ArrayList<>();
    private final ExecutorService handlers = Executors.newCachedThreadPool();

    private IotmpServer startServer() {
        return startServer(legacyListeners());
    }

    /** The server's legacy listeners: none here; {@link LegacyFirmwareUpdateTest} runs every test over legacy. */
    LegacyListeners legacyListeners() {
        return LegacyListeners.DISABLED;
    }

    /** The protocol of the test's devices: IOTMP here. */
    void protocol(IotmpDeviceBuilder builder) {
    }

    private IotmpServer startServer(LegacyListeners legacy) {
        IotmpServerConfig.Builder config = IotmpServerConfig.builder().host("127.0.0.1").port(0)
                .nativeTransport(false).authenticator(StaticAuthenticator.parse("alice/esp32=s3cr3t")).legacy(legacy);
        serverOptions.accept(config);
        server = new IotmpServer(config.build());
        server.start();
        return server;
    }

    @AfterEach
    void stop() {
        devices.forEach(IotmpDevice::close);
        handlers.shutdownNow();
        if (server != null) {
            server.stop();
        }
    }

    private IotmpDevice device(OtaTarget target, OtaSettings settings, Consumer<IotmpDeviceBuilder> options) {
        if (server == null) {
            startServer();
        }
        IotmpDeviceBuilder builder = IotmpDevice.builder().host("127.0.0.1").port(server.localAddress().getPort())
                .credentials("alice", "esp32", "s3cr3t").reconnectBackoff(Duration.ofMillis(50),
                        Duration.ofMillis(200));
        if (target != null) {
            builder.ota(target, settings);
        }
        protocol(builder);
        options.accept(builder);
        IotmpDevice device = builder.build();
        devices.add(device);
        device.start();
        assertThat(device.awaitConnected(Duration.ofSeconds(30))).isTrue();
        eventually().until(() -> server.registry().isConnected(DEVICE));
        return device;
    }

    private IotmpDevice device(OtaTarget target, OtaSettings settings) {
        return device(target, settings, builder -> {
        });
    }

    /** An image of {@code size} bytes, compressible like real firmware, carrying {@code version} after {@code @(#)}. */
    static byte[] image(int size, String version) {
        byte[] image = new byte[size];
        Random random = new Random(size);
        for (int i = 0; i < size; i++) {
            // runs of repeated bytes among noise: compresses, but not to nothing
            image[i] = (byte) (i % 64 < 40 ? 0xFF : random.nextInt(256));
        }
        if (version != null) {
            byte[] marker = FirmwareVersionMarker.bytesOf(version);
            image[size / 2 - 1] = 0;
            System.arraycopy(marker, 0, image, size / 2, marker.length);
            image[size / 2 + marker.length] = 0;
        }
        return image;
    }

    private FirmwareUpdateReport update(FirmwareImage image, FirmwareUpdateOptions options,
                                        FirmwareUpdateListener listener) throws InterruptedException {
        return FirmwareUpdate.run(server, DEVICE, image, options, listener);
    }

    private FirmwareUpdateException failure(FirmwareImage image, FirmwareUpdateOptions options,
                                            FirmwareUpdateListener listener) {
        return catchThrowableOfType(FirmwareUpdateException.class, () -> update(image, options, listener));
    }

    private static FirmwareUpdateOptions options() {
        return FirmwareUpdateOptions.defaults().withRebootTimeout(Duration.ofSeconds(30));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "zlib", "gzip", "lzss"})
    void updatesAndConfirmsTheNewVersion(String compression) throws Exception {
        RecordingTarget target = new RecordingTarget();
        IotmpDevice device = device(target, OtaSettings.defaults().withCompression(compression)
                .withVersion("1.0.0").withBlockSize(1000));
        byte[] bytes = image(20_500, "2.0.0");
        List<OtaStep> steps = new CopyOnWriteArrayList<>();
        List<Long> progress = new CopyOnWriteArrayList<>();
        FirmwareUpdateReport report = update(FirmwareImage.of(bytes), options(), new FirmwareUpdateListener() {
            @Override
            public void onStep(DeviceId id, OtaStep step) {
                steps.add(step);
            }

            @Override
            public void onProgress(DeviceId id, long sent, long total) {
                progress.add(sent);
            }
        });

        assertThat(report.outcome()).isEqualTo(OtaOutcome.UPDATED);
        assertThat(report.previousVersion()).isEqualTo("1.0.0");
        assertThat(report.expectedVersion()).isEqualTo("2.0.0");
        assertThat(report.version()).isEqualTo("2.0.0");
        assertThat(report.compression()).isEqualTo(compression);
        assertThat(report.imageSize()).isEqualTo(bytes.length);
        assertThat(report.sentBytes()).isEqualTo(report.payloadSize());
        if (compression.isEmpty()) {
            assertThat(report.payloadSize()).isEqualTo(bytes.length);
        } else {
            assertThat(report.payloadSize()).isLessThan(bytes.length);
        }
        assertThat(report.chunks()).isEqualTo((int) ((report.payloadSize() + 999) / 1000));
        assertThat(progress).hasSize(report.chunks()).isSorted().last().isEqualTo(report.payloadSize());
        assertThat(steps).containsExactly(OtaStep.OPTIONS, OtaStep.PREPARE, OtaStep.BEGIN, OtaStep.WRITE,
                OtaStep.END, OtaStep.REBOOT, OtaStep.RECONNECT, OtaStep.VERSION);
        // every byte arrived exactly once, in order: no chunk was resent
        assertThat(target.committed()).isEqualTo(bytes);
        assertThat(device.isConnected()).isTrue();
        assertThat(report.toMap()).containsEntry("outcome", "UPDATED").containsEntry("success", true)
                .containsEntry("version", "2.0.0");
    }

    @Test
    void updatesADeviceOfTheOtherGenerationTheSameWay() throws Exception {
        // the procedure knows only IotmpServer.send: the device's protocol (here gen-1, PSON v1) is not its concern
        RecordingTarget target = new RecordingTarget();
        device(target, OtaSettings.defaults().withVersion("1.0.0"), builder -> builder.generation(Generation.GEN1));
        byte[] bytes = image(30_000, "1.1.0");
        FirmwareUpdateReport report = update(FirmwareImage.of(bytes), options(), null);
        assertThat(server.registry().registration(DEVICE).orElseThrow().generation()).isEqualTo(Generation.GEN1);
        assertThat(report.outcome()).isEqualTo(OtaOutcome.UPDATED);
        assertThat(report.version()).isEqualTo("1.1.0");
        assertThat(target.committed()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "zlib", "gzip", "lzss"})
    void updatesALegacyThingerDeviceTheSameWay(String compression) throws Exception {
        // legacy devices are told apart by their first byte on the server's port: the procedure does not change
        startServer(new LegacyListeners(true, LegacyListeners.NONE, LegacyListeners.NONE));
        RecordingTarget target = new RecordingTarget();
        device(target, OtaSettings.defaults().withCompression(compression).withVersion("1.0.0"),
                IotmpDeviceBuilder::legacy);
        byte[] bytes = image(30_000, "1.2.0");
        FirmwareUpdateReport report = update(FirmwareImage.of(bytes), options(), null);
        assertThat(server.registry().registration(DEVICE).orElseThrow().generation()).isEqualTo(Generation.LEGACY);
        assertThat(report.outcome()).isEqualTo(OtaOutcome.UPDATED);
        assertThat(report.compression()).isEqualTo(compression);
        assertThat(report.version()).isEqualTo("1.2.0");
        assertThat(target.committed()).isEqualTo(bytes);
    }

    @Test
    void aLargeImageIsStreamedFromAFileInChunksThatFitTheDevicesFrames() throws Exception {
        RecordingTarget target = new RecordingTarget();
        device(target, OtaSettings.defaults().withCompression("").withBlockSize(0xFFFF));
        Path file = temp.resolve("firmware.bin");
        byte[] bytes = image(3 * 1024 * 1024 + 17, "3.1.4");
        Files.write(file, bytes);
        FirmwareUpdateReport report;
        try (InputStream in = Files.newInputStream(file); FirmwareImage image = FirmwareImage.spool(in)) {
            report = update(image, options(), null);
        }
        assertThat(report.outcome()).isEqualTo(OtaOutcome.UPDATED);
        // the device advertised 65535, the server sends what its devices accept (maxOutboundFrameSize, 32 KiB)
        assertThat(report.blockSize()).isLessThanOrEqualTo(
                ServerLimits.DEFAULT_MAX_OUTBOUND_FRAME_SIZE - FirmwareUpdate.WRITE_FRAME_OVERHEAD);
        assertThat(target.committed()).isEqualTo(bytes);
        try (var spooled = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(spooled.filter(p -> p.getFileName().toString().startsWith("iotmp-firmware-"))
                    .filter(p -> p.toFile().length() == bytes.length)).as("spool file deleted").isEmpty();
        }
    }

    @Test
    void aDisabledDeviceGetsNothing() throws Exception {
        RecordingTarget target = new RecordingTarget();
        device(target, OtaSettings.defaults().withEnabled(false));
        FirmwareUpdateException e = failure(FirmwareImage.of(image(5000, "2.0.0")), options(), null);
        assertThat(e.failure()).isEqualTo(OtaFailure.DISABLED);
        assertThat(e.step()).isEqualTo(OtaStep.OPTIONS);
        assertThat(target.opened.get()).isZero();
    }

    @Test
    void aDeviceAdvertisingATinyBlockSizeIsNotUpdated() throws Exception {
        // a block size of 1 would cost a request, an answer and a wait of up to the device's timeout per byte
        RecordingTarget target = new RecordingTarget();
        device(target, OtaSettings.defaults().withBlockSize(1));
        FirmwareUpdateException e = failure(FirmwareImage.of(image(5000, "2.0.0")), options(), null);
        assertThat(e.failure()).isEqualTo(OtaFailure.NOT_SUPPORTED);
        assertThat(e.report().error()).contains("block_size 1", "minBlockSize 256");
        assertThat(e.report().chunks()).isZero();
        assertThat(target.opened.get()).isZero();
        // a lower bound chosen for the fleet lets it through
        assertThat(update(FirmwareImage.of(image(600, "2.0.0")), options().withMinBlockSize(1), null).outcome())
                .isEqualTo(OtaOutcome.UPDATED);
        assertThat(target.opened.get()).isEqualTo(1);
    }

    @Test
    void aDeviceWithoutOtaIsNotSupported() throws Exception {
        device(null, null);
        FirmwareUpdateException e = failure(FirmwareImage.of(image(5000, null)), options(), null);
        assertThat(e.failure()).isEqualTo(OtaFailure.NOT_SUPPORTED);
    }

    @Test
    void anAbsentDeviceIsGoneBeforeAnythingIsSent() throws Exception {
        startServer();
        FirmwareUpdateException e = failure(FirmwareImage.of(image(5000, null)), options(), null);
        assertThat(e.failure()).isEqualTo(OtaFailure.DEVICE_GONE);
        assertThat(e.report().toMap()).containsEntry("success", false).containsEntry("failure", "DEVICE_GONE");
    }

    @Test
    void aDeviceAlreadyRunningTheVersionIsLeftAloneUnlessForced() throws Exception {
        RecordingTarget target = new RecordingTarget();
        device(target, OtaSettings.defaults().withVersion("2.0.0"));
        FirmwareImage image = FirmwareImage.of(image(5000, "2.0.0"));
        assertThat(update(image, options(), null).outcome()).isEqualTo(OtaOutcome.ALREADY_CURRENT);
        assertThat(target.opened.get()).isZero();
        assertThat(update(image, options().withForce(true), null).outcome()).isEqualTo(OtaOutcome.UPDATED);
        assertThat(target.opened.get()).isEqualTo(1);
    }

    @Test
    void beginRefusedWhenTheDeviceCannotOpenItsTarget() throws Exception {
        device(size -> {
            throw new IOException("no room for " + size + " bytes");
        }, OtaSettings.defaults());
        FirmwareUpdateException e = failure(FirmwareImage.of(image(5000, null)), options(), null);
        assertThat(e.failure()).isEqualTo(OtaFailure.BEGIN_REFUSED);
        assertThat(e.report().error()).contains("no room for 5000 bytes");
        // the chunk size was only proposed in the refused begin: no chunk was sent with it
        assertThat(e.report().sentBytes()).isZero();
        assertThat(e.report().blockSize()).as("the block size of an update that sent nothing").isZero();
        assertThat(e.report().toMap()).containsEntry("blockSize", 0);
    }

    /**
     * What a device says in its answers ends up in the failure's message, which routes and error handlers log: a line
     * break in it must not forge a log line. Its version is kept as it was sent, for the report and the comparison.
     */
    @Test
    void aDevicesTextInAFailureCannotForgeALogLine() throws Exception {
        IotmpDevice device = device(new RecordingTarget(), OtaSettings.defaults().withVersion("1.0.0"));
        device.resource(FirmwareUpdate.BEGIN).inputOutput(input -> Map.of("success", false, "error",
                "no room\n2026-12-07 ERROR forged\r\u0007"));
        FirmwareUpdateException refused = failure(FirmwareImage.of(image(5000, "2.0.0")), options(), null);
        assertThat(refused.failure()).isEqualTo(OtaFailure.BEGIN_REFUSED);
        assertThat(refused.getMessage()).doesNotContain("\n", "\r", "\u0007").contains("no room\\n2026-12-07");
        assertThat(refused.report().error()).doesNotContain("\n", "\r", "\u0007");

        device.resource(FirmwareUpdate.BEGIN).inputOutput(input -> Map.of("success", true));
        device.resource(FirmwareUpdate.WRITE).inputOutput(input -> Map.of("success", true));
        device.resource(FirmwareUpdate.END).inputOutput(input -> Map.of("success", true));
        device.resource(FirmwareUpdate.VERSION).output(() -> Map.of("version", "2.0.0\nforged"));
        FirmwareUpdateException mismatch = failure(FirmwareImage.of(image(5000, "2.0.0")), options(), null);
        assertThat(mismatch.failure()).isEqualTo(OtaFailure.VERSION_MISMATCH);
        assertThat(mismatch.getMessage()).doesNotContain("\n").contains("2.0.0\\nforged");
        assertThat(mismatch.report().version()).isEqualTo("2.0.0\nforged");
    }

    @Test
    void aFailedWriteEndsTheUpdateWithoutResending() throws Exception {
        RecordingTarget target = new RecordingTarget();
        target.failAfter = 2500;
        device(target, OtaSettings.defaults().withCompression("").withBlockSize(1000));
        FirmwareUpdateException e = failure(FirmwareImage.of(image(5000, null)), options(), null);
        assertThat(e.failure()).isEqualTo(OtaFailure.WRITE_FAILED);
        assertThat(e.step()).isEqualTo(OtaStep.WRITE);
        assertThat(e.report().chunks()).isEqualTo(2);
        assertThat(e.report().sentBytes()).isEqualTo(2000);
        assertThat(e.report().error()).contains("flash worn out");
        assertThat(target.discarded.get()).isEqualTo(1);
    }

    @Test
    void anImageChangedAfterHashingFailsTheDevicesChecksum(@TempDir Path dir) throws Exception {
        device(new RecordingTarget(), OtaSettings.defaults().withCompression(""));
        Path file = dir.resolve("firmware.bin");
        byte[] bytes = image(5000, null);
        Files.write(file, bytes);
        FirmwareImage image = FirmwareImage.of(file);
        byte[] tampered = bytes.clone();
        tampered[100] ^= 1;
        FirmwareUpdateException e = failure(image, options(), new FirmwareUpdateListener() {
            @Override
            public void onStep(DeviceId id, OtaStep step) {
                if (step == OtaStep.BEGIN) {
                    try {
                        Files.write(file, tampered);
                    } catch (IOException io) {
                        throw new AssertionError(io);
                    }
                }
            }
        });
        assertThat(e.failure()).isEqualTo(OtaFailure.CHECKSUM);
        assertThat(e.step()).isEqualTo(OtaStep.END);
    }

    /**
     * An image file gone between its hashing and its sending (deleted, or moved away by whoever dropped it) fails the
     * update before {@code begin}: sent first, begin left the device holding an update nobody went on with, refusing
     * the next begin until its timeout and rebooting then, while the report said nothing had been sent.
     */
    @Test
    void anImageFileGoneBeforeItIsSentFailsBeforeTheDeviceBegins(@TempDir Path dir) throws Exception {
        RecordingTarget target = new RecordingTarget();
        device(target, OtaSettings.defaults().withCompression(""));
        Path file = dir.resolve("firmware.bin");
        Files.write(file, image(5000, null));
        FirmwareImage image = FirmwareImage.of(file);
        FirmwareUpdateException e = failure(image, options(), new FirmwareUpdateListener() {
            @Override
            public void onStep(DeviceId id, OtaStep step) {
                if (step == OtaStep.PREPARE) {
                    try {
                        Files.delete(file);
                    } catch (IOException io) {
                        throw new AssertionError(io);
                    }
                }
            }
        });
        assertThat(e.failure()).isEqualTo(OtaFailure.IMAGE_UNREADABLE);
        assertThat(e.step()).isEqualTo(OtaStep.PREPARE);
        assertThat(target.opened).as("the device began no update").hasValue(0);
        assertThat(e.report().blockSize()).isZero();
    }

    /**
     * The compressed copy of the image cannot be deleted once every byte of it was written (its file is a directory
     * that is not empty by then; in production a failing disk, say): the update ends and is confirmed all the same,
     * the copy left behind logged. Before, the failed delete failed the update as an unreadable image before
     * {@code end}, leaving the device in an update nobody ended.
     */
    @Test
    void aCompressedCopyThatCannotBeDeletedDoesNotFailTheUpdate() throws Exception {
        device(new RecordingTarget(), OtaSettings.defaults().withCompression("zlib").withVersion("1.0.0"));
        FirmwareImage image = FirmwareImage.of(image(20_000, "2.0.0"));
        String md5;
        try (FirmwareImage.Payload expected = image.payload(OtaCompression.ZLIB)) {
            md5 = expected.md5();
        }
        List<Path> blocked = new CopyOnWriteArrayList<>();
        try (StderrCapture stderr = StderrCapture.start()) {
            AtomicLong warned = stderr.count(line -> line.contains("Could not delete the temporary firmware file"));
            FirmwareUpdateReport report = update(image, options(), new FirmwareUpdateListener() {
                @Override
                public void onStep(DeviceId id, OtaStep step) {
                    if (step == OtaStep.WRITE) {
                        blockDeletion(md5).ifPresent(blocked::add);
                    }
                }
            });
            assertThat(blocked).as("the compressed copy was found").hasSize(1);
            assertThat(report.outcome()).isEqualTo(OtaOutcome.UPDATED);
            assertThat(warned).hasValue(1);
        } finally {
            for (Path directory : blocked) {
                Files.deleteIfExists(directory.resolve("pinned"));
                Files.deleteIfExists(directory);
            }
        }
    }

    /** Replaces the temporary file of that MD5 by a directory that is not empty, which a delete cannot remove. */
    private static Optional<Path> blockDeletion(String md5) {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("iotmp-firmware-")
                                               && Files.isRegularFile(f)).toList()) {
                if (md5.equals(HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                        .digest(Files.readAllBytes(file))))) {
                    Files.delete(file); // the update reads on through the file it opened
                    Files.createDirectory(file);
                    Files.createFile(file.resolve("pinned"));
                    return Optional.of(file);
                }
            }
            return Optional.empty();
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aDeviceThatStopsAnsweringTimesOut() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        RecordingTarget target = new RecordingTarget();
        target.blockOnWrite = stuck;
        device(target, OtaSettings.defaults().withCompression(""), builder -> builder.handlerExecutor(handlers));
        try {
            FirmwareUpdateException e = failure(FirmwareImage.of(image(5000, null)),
                    options().withStepTimeout(Duration.ofSeconds(1)), null);
            assertThat(e.failure()).isEqualTo(OtaFailure.TIMEOUT);
            assertThat(e.step()).isEqualTo(OtaStep.WRITE);
            assertThat(e.report().chunks()).isZero();
        } finally {
            stuck.countDown();
        }
    }

    @Test
    void aDeviceThatTakesItsWholeTimeoutForEveryAnswerIsCutOffByTheTransferTimeout() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        RecordingTarget target = new RecordingTarget();
        target.blockOnWrite = stuck;
        device(target, OtaSettings.defaults().withCompression(""), builder -> builder.handlerExecutor(handlers));
        try {
            // each step could wait ten minutes, as a device may claim: the transfer as a whole may not
            CompletableFuture<FirmwareUpdateReport> update = FirmwareUpdate.start(server, DEVICE,
                    FirmwareImage.of(image(5000, null)), options().withStepTimeout(Duration.ofMinutes(10))
                            .withTransferTimeout(Duration.ofSeconds(2)), null, handlers);
            Throwable ended = catchThrowable(() -> update.get(Waits.WAIT.toSeconds(), TimeUnit.SECONDS));
            assertThat(ended).as("the update ended").isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(FirmwareUpdateException.class);
            FirmwareUpdateException e = (FirmwareUpdateException) ended.getCause();
            assertThat(e.failure()).isEqualTo(OtaFailure.TIMEOUT);
            assertThat(e.report().error()).contains("transferTimeout (2000 ms)");
            assertThat(e.report().chunks()).isZero();
        } finally {
            stuck.countDown();
        }
    }

    /**
     * An interrupted update ends as every failure does, with its report, rather than with a bare
     * InterruptedException; the thread keeps its interrupt flag, and the device is free for the next update.
     */
    @Test
    void anUpdateWhoseThreadIsInterruptedFailsWithItsReportAndKeepsTheInterrupt() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        RecordingTarget target = new RecordingTarget();
        target.blockOnWrite = stuck;
        device(target, OtaSettings.defaults().withCompression(""), builder -> builder.handlerExecutor(handlers));
        CountDownLatch writing = new CountDownLatch(1);
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        AtomicBoolean interruptFlag = new AtomicBoolean();
        Thread updating = new Thread(() -> {
            try {
                FirmwareUpdate.run(server, DEVICE, FirmwareImage.of(image(5000, null)),
                        options().withStepTimeout(Duration.ofMinutes(1)), new FirmwareUpdateListener() {
                            @Override
                            public void onStep(DeviceId id, OtaStep step) {
                                if (step == OtaStep.WRITE) {
                                    writing.countDown();
                                }
                            }
                        });
                ended.complete(null);
            } catch (Throwable e) {
                interruptFlag.set(Thread.currentThread().isInterrupted());
                ended.complete(e);
            }
        }, "interrupted-update");
        try {
            updating.start();
            assertThat(writing.await(Waits.WAIT.toSeconds(), TimeUnit.SECONDS)).as("the update writes").isTrue();
            updating.interrupt();
            Throwable failure = ended.get(Waits.WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(failure).isInstanceOf(FirmwareUpdateException.class);
            FirmwareUpdateException e = (FirmwareUpdateException) failure;
            assertThat(e.failure()).isEqualTo(OtaFailure.INTERRUPTED);
            assertThat(e.step()).isEqualTo(OtaStep.WRITE);
            assertThat(e.report().toMap()).containsEntry("outcome", "FAILED").containsEntry("failure", "INTERRUPTED");
            assertThat(interruptFlag).as("the interrupt is kept for the thread's owner").isTrue();
            assertThat(server.firmwareUpdates().running()).isZero();
        } finally {
            stuck.countDown();
        }
    }

    /**
     * An update interrupted between two requests (while it compresses its image, say) sends no further request: a
     * {@code begin} sent after the interrupt would open an update on the device that nobody goes on with, and the
     * device would refuse the next {@code begin} until its own timeout dropped it.
     */
    @Test
    void anUpdateInterruptedBeforeARequestDoesNotSendIt() throws Exception {
        RecordingTarget target = new RecordingTarget();
        device(target, OtaSettings.defaults().withCompression(""));
        FirmwareUpdateException e = failure(FirmwareImage.of(image(5000, null)), options(),
                new FirmwareUpdateListener() {
                    @Override
                    public void onStep(DeviceId id, OtaStep step) {
                        if (step == OtaStep.BEGIN) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
        assertThat(Thread.interrupted()).as("the interrupt is kept for the thread's owner").isTrue();
        assertThat(e.failure()).isEqualTo(OtaFailure.INTERRUPTED);
        assertThat(e.step()).isEqualTo(OtaStep.BEGIN);
        // the device answers in order: had the begin been sent, it would refuse this one's as an update in progress
        byte[] bytes = image(5000, "2.0.0");
        assertThat(update(FirmwareImage.of(bytes), options(), null).outcome()).isEqualTo(OtaOutcome.UPDATED);
        assertThat(target.opened.get()).isEqualTo(1);
        assertThat(target.committed()).isEqualTo(bytes);
    }

    @Test
    void aSecondUpdateOfADeviceWhileOneRunsSendsNothingAndTheClaimEndsWithTheFirst() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        RecordingTarget target = new RecordingTarget();
        target.blockOnWrite = stuck;
        device(target, OtaSettings.defaults().withCompression(""), builder -> builder.handlerExecutor(handlers));
        CountDownLatch writing = new CountDownLatch(1);
        CompletableFuture<FirmwareUpdateReport> first;
        try {
            first = FirmwareUpdate.start(server, DEVICE, FirmwareImage.of(image(5000, null)),
                    options().withStepTimeout(Duration.ofMinutes(1)), new FirmwareUpdateListener() {
                        @Override
                        public void onStep(DeviceId id, OtaStep step) {
                            if (step == OtaStep.WRITE) {
                                writing.countDown();
                            }
                        }
                    }, handlers);
            assertThat(writing.await(Waits.WAIT.toSeconds(), TimeUnit.SECONDS)).as("the first update writes").isTrue();
            // a board that took this begin would start over, and the chunks of both updates would make one image
            FirmwareUpdateException second = failure(FirmwareImage.of(image(6000, null)), options(), null);
            assertThat(second.failure()).isEqualTo(OtaFailure.ALREADY_UPDATING);
            assertThat(second.step()).isEqualTo(OtaStep.OPTIONS);
            assertThat(second.report().sentBytes()).isZero();
            assertThat(second.report().imageSize()).as("the image's size, known already").isEqualTo(6000);
            assertThat(second.report().payloadSize()).as("not decided before the update began")
                    .isEqualTo(FirmwareUpdateReport.UNKNOWN_SIZE);
            assertThat(server.firmwareUpdates().running()).isEqualTo(1);
        } finally {
            stuck.countDown();
        }
        // the device fails the blocked write: the first update ends, and its claim with it
        Throwable ended = catchThrowable(() -> first.get(Waits.WAIT.toSeconds(), TimeUnit.SECONDS));
        assertThat(ended).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(FirmwareUpdateException.class);
        assertThat(((FirmwareUpdateException) ended.getCause()).failure()).isEqualTo(OtaFailure.WRITE_FAILED);
        assertThat(server.firmwareUpdates().running()).isZero();
        target.blockOnWrite = null;
        byte[] bytes = image(5000, "2.0.0");
        assertThat(update(FirmwareImage.of(bytes), options(), null).outcome()).isEqualTo(OtaOutcome.UPDATED);
        assertThat(target.committed()).isEqualTo(bytes);
        assertThat(server.firmwareUpdates().running()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"BEGIN", "WRITE", "END"})
    void aDeviceGoneBeforeTheImageIsStagedFailsAsGone(String at) throws Exception {
        OtaStep gone = OtaStep.valueOf(at);
        RecordingTarget target = new RecordingTarget();
        IotmpDevice device = device(target, OtaSettings.defaults().withBlockSize(1000),
                IotmpDeviceBuilder::noReconnect);
        FirmwareUpdateException e = failure(FirmwareImage.of(image(5000, "2.0.0")), options(),
                dropConnectionAt(device, gone));
        assertThat(e.failure()).isEqualTo(OtaFailure.DEVICE_GONE);
        assertThat(e.step()).isEqualTo(gone);
    }

    @Test
    void aDeviceGoneBeforeTheRebootComesBackWithTheOldVersion() throws Exception {
        IotmpDevice device = device(new RecordingTarget(), OtaSettings.defaults().withVersion("1.0.0"));
        FirmwareUpdateException e = failure(FirmwareImage.of(image(5000, "2.0.0")), options(),
                dropConnectionAt(device, OtaStep.REBOOT));
        // the connection was lost before the reboot reached the device: it reconnects still running 1.0.0
        assertThat(e.failure()).isEqualTo(OtaFailure.VERSION_MISMATCH);
        assertThat(e.report().version()).isEqualTo("1.0.0");
        assertThat(e.report().expectedVersion()).isEqualTo("2.0.0");
    }

    /**
     * Without a version to ask, the reconnect is the only sign of a reboot; but a device whose connection ended
     * before the reboot was even sent was never told to reboot, and its reconnect says nothing. Its image is staged:
     * it runs the old one until its next reset, and the report says so rather than that it rebooted.
     */
    @Test
    void aDeviceGoneBeforeTheRebootWasSentIsStagedNotRebooted() throws Exception {
        RecordingTarget target = new RecordingTarget();
        IotmpDevice device = device(target, OtaSettings.defaults());
        byte[] bytes = image(5000, null);
        FirmwareUpdateReport report = update(FirmwareImage.of(bytes), options(),
                dropConnectionAt(device, OtaStep.REBOOT));
        assertThat(report.outcome()).isEqualTo(OtaOutcome.STAGED);
        assertThat(report.error()).contains("before $ota/reboot was sent");
        assertThat(target.committed()).isEqualTo(bytes);
    }

    /**
     * A reboot the server refused to send (the device already holds {@code maxPendingRequests}) never reached the
     * device: the update fails at once at step REBOOT, rather than waiting out its reboot timeout for a device that
     * was never told to reboot (or reporting REBOOTED when it reconnects for another reason).
     */
    @Test
    void aRebootTheServerRefusedToSendFailsAtOnceAtTheReboot() throws Exception {
        serverOptions = config -> config.maxPendingRequests(2);
        RecordingTarget target = new RecordingTarget();
        IotmpDevice device = device(target, OtaSettings.defaults().withVersion("1.0.0"));
        CountDownLatch release = new CountDownLatch(1);
        device.resource("hold").run(() -> {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long session = server.registry().registration(DEVICE).orElseThrow().sessionNumber();
        byte[] bytes = image(5000, "2.0.0");
        try {
            FirmwareUpdateException e = failure(FirmwareImage.of(bytes), options(), new FirmwareUpdateListener() {
                @Override
                public void onStep(DeviceId id, OtaStep step) {
                    if (step == OtaStep.REBOOT) {
                        // queued on the connection before the reboot is: they take both places when it comes
                        for (int i = 0; i < 2; i++) {
                            server.send(DEVICE, DeviceRequest.run("hold", null), Duration.ofMinutes(5));
                        }
                    }
                }
            });
            assertThat(e.failure()).isEqualTo(OtaFailure.PROTOCOL);
            assertThat(e.step()).isEqualTo(OtaStep.REBOOT);
            assertThat(e.getCause()).isInstanceOf(TooManyPendingRequestsException.class);
            assertThat(e.report().error()).contains("did not send $ota/reboot").contains("staged");
            // the image is staged, and the device was never told to reboot: it is still on its connection
            assertThat(target.committed()).isEqualTo(bytes);
            assertThat(server.registry().registration(DEVICE).orElseThrow().sessionNumber()).isEqualTo(session);
        } finally {
            release.countDown();
        }
    }

    @Test
    void aDeviceThatDoesNotComeBackTimesOutWaitingForIt() throws Exception {
        IotmpDevice device = device(new RecordingTarget(), OtaSettings.defaults(), IotmpDeviceBuilder::noReconnect);
        FirmwareUpdateException e = failure(FirmwareImage.of(image(5000, "2.0.0")),
                options().withRebootTimeout(Duration.ofSeconds(1)), null);
        assertThat(e.failure()).isEqualTo(OtaFailure.TIMEOUT);
        assertThat(e.step()).isEqualTo(OtaStep.RECONNECT);
        assertThat(device.isConnected()).isFalse();
    }

    @Test
    void anUpdateWaitingForTheDeviceToComeBackEndsWhenTheServerStops() throws Exception {
        device(new RecordingTarget(), OtaSettings.defaults(), IotmpDeviceBuilder::noReconnect);
        CountDownLatch reconnecting = new CountDownLatch(1);
        CompletableFuture<FirmwareUpdateReport> update = FirmwareUpdate.start(server, DEVICE,
                FirmwareImage.of(image(5000, "2.0.0")), options().withRebootTimeout(Duration.ofMinutes(10)),
                new FirmwareUpdateListener() {
                    @Override
                    public void onStep(DeviceId id, OtaStep step) {
                        if (step == OtaStep.RECONNECT) {
                            reconnecting.countDown();
                        }
                    }
                }, handlers);
        assertThat(reconnecting.await(Waits.WAIT.toSeconds(), TimeUnit.SECONDS)).as("the update waits").isTrue();
        server.stop();
        // no device reaches a stopped server: the update ends now, not after its ten minutes of reboot timeout
        Throwable ended = catchThrowable(() -> update.get(Waits.WAIT.toSeconds(), TimeUnit.SECONDS));
        assertThat(ended).as("the update ended").isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(FirmwareUpdateException.class);
        FirmwareUpdateException e = (FirmwareUpdateException) ended.getCause();
        assertThat(e.failure()).isEqualTo(OtaFailure.DEVICE_GONE);
        assertThat(e.step()).isEqualTo(OtaStep.RECONNECT);
        assertThat(e.report().error()).contains("server stopped");
        assertThat(server.firmwareUpdates().running()).isZero();
    }

    /**
     * A server drained for a rolling upgrade accepts no connection: a device rebooted by one of its updates comes
     * back on another member, never here. The update waited out its whole reboot timeout (ten minutes here) and then
     * said the device did not reconnect; it ends now, as for a stopped server, and says why.
     */
    @Test
    void anUpdateWaitingForTheDeviceToComeBackEndsWhenTheServerDrains() throws Exception {
        device(new RecordingTarget(), OtaSettings.defaults(), IotmpDeviceBuilder::noReconnect);
        CountDownLatch reconnecting = new CountDownLatch(1);
        CompletableFuture<FirmwareUpdateReport> update = FirmwareUpdate.start(server, DEVICE,
                FirmwareImage.of(image(5000, "2.0.0")), options().withRebootTimeout(Duration.ofMinutes(10)),
                new FirmwareUpdateListener() {
                    @Override
                    public void onStep(DeviceId id, OtaStep step) {
                        if (step == OtaStep.RECONNECT) {
                            reconnecting.countDown();
                        }
                    }
                }, handlers);
        assertThat(reconnecting.await(Waits.WAIT.toSeconds(), TimeUnit.SECONDS)).as("the update waits").isTrue();
        server.drain(100);
        Throwable ended = catchThrowable(() -> update.get(Waits.WAIT.toSeconds(), TimeUnit.SECONDS));
        assertThat(ended).as("the update ended").isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(FirmwareUpdateException.class);
        FirmwareUpdateException e = (FirmwareUpdateException) ended.getCause();
        assertThat(e.failure()).isEqualTo(OtaFailure.DEVICE_GONE);
        assertThat(e.step()).isEqualTo(OtaStep.RECONNECT);
        assertThat(e.report().error()).contains("draining");
        assertThat(server.firmwareUpdates().running()).isZero();
    }

    /**
     * An update that began while the server was being drained, its device not yet moved off, is told too: its wait
     * for the device after the reboot ends at once rather than after its reboot timeout.
     */
    @Test
    void anUpdateClaimedOnADrainingServerDoesNotWaitForTheDeviceToComeBack() throws Exception {
        device(new RecordingTarget(), OtaSettings.defaults(), IotmpDeviceBuilder::noReconnect);
        server.drain(100);
        try (FirmwareUpdateClaim claim = FirmwareUpdateClaim.take(server, DEVICE)) {
            Reconnections reconnections = claim.reconnectionsForOneUpdate();
            assertThat(reconnections.isClosedToDevices()).as("no device can connect here any more").isTrue();
            assertThat(reconnections.after(Long.MAX_VALUE, System.nanoTime() + Duration.ofMinutes(10).toNanos()))
                    .isNull();
        }
    }

    @Test
    void anErrorInTheUpdatesThreadStillEndsItsFuture() throws Exception {
        device(new RecordingTarget(), OtaSettings.defaults());
        AssertionError broken = new AssertionError("a listener's own check failed");
        CompletableFuture<FirmwareUpdateReport> update = FirmwareUpdate.start(server, DEVICE,
                FirmwareImage.of(image(5000, "2.0.0")), options(), new FirmwareUpdateListener() {
                    @Override
                    public void onStep(DeviceId id, OtaStep step) {
                        if (step == OtaStep.BEGIN) {
                            throw broken;
                        }
                    }
                }, handlers);
        Throwable ended = catchThrowable(() -> update.get(Waits.WAIT.toSeconds(), TimeUnit.SECONDS));
        assertThat(ended).as("the update ended").isInstanceOf(ExecutionException.class).hasCause(broken);
        assertThat(server.firmwareUpdates().running()).isZero();
    }

    /**
     * A device's version is read up to its first 128 characters, as an image's is; an expected version given longer
     * (the {@code CamelIotmpFirmwareVersion} header) was compared whole with the device's cut one: a device running
     * it was never current, and every update that worked failed as VERSION_MISMATCH.
     */
    @Test
    void aLongExpectedVersionIsComparedAsFarAsTheDevicesIsRead() throws Exception {
        String version = "2.0.0+build." + "0123456789abcdef".repeat(12);
        RecordingTarget target = new RecordingTarget();
        device(target, OtaSettings.defaults().withVersion(version));
        FirmwareImage image = FirmwareImage.of(image(5000, version));
        assertThat(update(image, options().withExpectedVersion(version), null).outcome())
                .isEqualTo(OtaOutcome.ALREADY_CURRENT);
        assertThat(target.opened.get()).isZero();
        FirmwareUpdateReport forced = update(image, options().withExpectedVersion(version).withForce(true), null);
        assertThat(forced.outcome()).isEqualTo(OtaOutcome.UPDATED);
        assertThat(forced.version()).isEqualTo(forced.expectedVersion()).isEqualTo(version.substring(0, 128));
    }

    @Test
    void theVersionAfterTheRebootMustBeTheExpectedOne() throws Exception {
        device(new RecordingTarget(), OtaSettings.defaults().withVersion("1.0.0"));
        FirmwareUpdateException e = failure(FirmwareImage.of(image(5000, "2.0.0")),
                options().withExpectedVersion("2.1.0"), null);
        assertThat(e.failure()).isEqualTo(OtaFailure.VERSION_MISMATCH);
        assertThat(e.step()).isEqualTo(OtaStep.VERSION);
        assertThat(e.report().version()).isEqualTo("2.0.0");
    }

    @Test
    void aDeviceThatDropsItsNewConnectionBeforeTellingItsVersionIsAskedAgainWhenItIsBack() throws Exception {
        IotmpDevice device = device(new RecordingTarget(), OtaSettings.defaults().withVersion("1.0.0"));
        // a new image that crashes right after connecting looks like this, as does a flaky network: the version is
        // asked again on the device's next connection, not taken as unknown (and the update as a success)
        FirmwareUpdateReport report = update(FirmwareImage.of(image(5000, "2.0.0")), options(),
                dropConnectionAt(device, OtaStep.VERSION));
        assertThat(report.outcome()).isEqualTo(OtaOutcome.UPDATED);
        assertThat(report.version()).isEqualTo("2.0.0");
    }

    @Test
    void aDeviceBackAfterTheRebootThatNeverTellsItsVersionIsNoSuccess() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        IotmpDevice device = device(new RecordingTarget(), OtaSettings.defaults().withVersion("1.0.0"),
                builder -> builder.handlerExecutor(handlers));
        device.resource(FirmwareUpdate.VERSION).output(() -> {
            try {
                stuck.await(Waits.WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Map.of("version", "2.0.0");
        });
        try {
            FirmwareUpdateException e = failure(FirmwareImage.of(image(5000, "2.0.0")),
                    options().withStepTimeout(Duration.ofSeconds(5)), null);
            assertThat(e).as("the update failed").isNotNull();
            assertThat(e.failure()).isEqualTo(OtaFailure.TIMEOUT);
            assertThat(e.step()).isEqualTo(OtaStep.VERSION);
            assertThat(e.report().version()).isNull();
        } finally {
            stuck.countDown();
        }
    }

    /**
     * A device whose version read is cut by a newer connection of its own is asked again there, but only until the
     * reboot's deadline. A device that opens a new connection (which replaces the one asked) each time it is asked
     * had its version asked again and again past {@code firmwareRebootTimeout}, as long as it went on: the wait for a
     * newer connection checked the deadline only when none had come yet. Here the device goes on for at least twice
     * the reboot timeout (it paces itself, as a real one would, under the per-address connection rate) and then
     * answers the expected version; the update must have failed by then.
     */
    @Test
    void aDeviceReplacingItsConnectionEachTimeItIsAskedItsVersionCannotHoldTheUpdatePastTheRebootTimeout()
            throws Exception {
        // one worker runs every connection: the server closes a replaced connection, and fails the request asked
        // there, only after it has announced the connection that replaced it, as it mostly does with more workers;
        // with them, that order would only be likely, and the test would not fail every time without the fix
        serverOptions = config -> config.workerThreads(1);
        CountDownLatch askedOnTheDevice = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        IotmpDevice device = device(new RecordingTarget(), OtaSettings.defaults().withVersion("1.0.0"),
                builder -> builder.handlerExecutor(handlers));
        device.resource(FirmwareUpdate.VERSION).output(() -> {
            askedOnTheDevice.countDown();
            try {
                release.await(Waits.WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Map.of("version", "2.0.0");
        });
        Duration rebootTimeout = Duration.ofSeconds(2);
        CompletableFuture<FirmwareUpdateReport> update = FirmwareUpdate.start(server, DEVICE,
                FirmwareImage.of(image(5000, "2.0.0")), options().withRebootTimeout(rebootTimeout), null, handlers);
        List<RawIotmpSocket> connections = new CopyOnWriteArrayList<>();
        // once the update has ended, nothing more is asked: a connection waiting for a request is closed
        update.whenComplete((report, failure) -> connections.forEach(RawIotmpSocket::closeQuietly));
        try {
            assertThat(askedOnTheDevice.await(Waits.WAIT.toSeconds(), TimeUnit.SECONDS)).as("asked its version")
                    .isTrue();
            device.close();
            release.countDown();
            int port = server.localAddress().getPort();
            RawIotmpSocket current = RawIotmpSocket.connect(port, "alice", "esp32", "s3cr3t");
            connections.add(current);
            long cycles = 2 * rebootTimeout.toMillis() / 100;
            for (int i = 0; i < cycles && !update.isDone(); i++) {
                try {
                    current.readUntil(MessageType.RUN, Generation.GEN2);
                } catch (IOException ended) {
                    break; // closed as the update ended
                }
                Thread.sleep(100); // the device's own pace: ten connections a second, under the per-address limit
                RawIotmpSocket next = RawIotmpSocket.connect(port, "alice", "esp32", "s3cr3t");
                connections.add(next);
                current.closeQuietly();
                current = next;
            }
            if (!update.isDone()) {
                try {
                    IotmpMessage asked = current.readUntil(MessageType.RUN, Generation.GEN2);
                    current.send(IotmpMessage.ok(asked.streamId(), Map.of("version", "2.0.0")), Generation.GEN2);
                } catch (IOException ended) {
                    // closed as the update ended
                }
            }
            Throwable ended = catchThrowable(() -> update.get(Waits.WAIT.toSeconds(), TimeUnit.SECONDS));
            assertThat(ended).as("the update failed").isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(FirmwareUpdateException.class);
            FirmwareUpdateException e = (FirmwareUpdateException) ended.getCause();
            assertThat(e.failure()).isEqualTo(OtaFailure.TIMEOUT);
            assertThat(e.step()).isEqualTo(OtaStep.VERSION);
        } finally {
            release.countDown();
            connections.forEach(RawIotmpSocket::closeQuietly);
        }
    }

    @Test
    void withoutAnyKnownVersionTheReconnectIsTheConfirmation() throws Exception {
        device(new RecordingTarget(), OtaSettings.defaults());
        FirmwareUpdateReport report = update(FirmwareImage.of(image(5000, null)), options(), null);
        assertThat(report.outcome()).isEqualTo(OtaOutcome.REBOOTED);
        assertThat(report.version()).isNull();
    }

    @Test
    void withoutWaitingTheImageIsReportedStaged() throws Exception {
        RecordingTarget target = new RecordingTarget();
        device(target, OtaSettings.defaults());
        byte[] bytes = image(5000, "2.0.0");
        FirmwareUpdateReport report = update(FirmwareImage.of(bytes), options().withRebootTimeout(Duration.ZERO),
                null);
        assertThat(report.outcome()).isEqualTo(OtaOutcome.STAGED);
        assertThat(target.committed()).isEqualTo(bytes);
    }

    /** Drops the device's connection when the update enters {@code step}, and waits until the server saw it go. */
    private FirmwareUpdateListener dropConnectionAt(IotmpDevice device, OtaStep step) {
        AtomicInteger progressSeen = new AtomicInteger();
        return new FirmwareUpdateListener() {
            @Override
            public void onStep(DeviceId id, OtaStep entered) {
                if (entered == step && step != OtaStep.WRITE) {
                    drop();
                }
            }

            @Override
            public void onProgress(DeviceId id, long sent, long total) {
                // in the middle of the writes: after the first chunk was accepted
                if (step == OtaStep.WRITE && progressSeen.getAndIncrement() == 0) {
                    drop();
                }
            }

            private void drop() {
                long session = server.registry().registration(DEVICE).orElseThrow().sessionNumber();
                device.faults().dropConnection();
                eventually().until(() -> server.registry().registration(DEVICE)
                        .map(r -> r.sessionNumber() != session).orElse(true));
            }
        };
    }

    /** Keeps what the device writes; can fail or block its writes. */
    static final class RecordingTarget implements OtaTarget {
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger discarded = new AtomicInteger();
        volatile long failAfter = Long.MAX_VALUE;
        volatile CountDownLatch blockOnWrite;
        private ByteArrayOutputStream current;
        private volatile byte[] committed;

        @Override
        public synchronized OutputStream open(long size) {
            opened.incrementAndGet();
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            current = buffer;
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    CountDownLatch latch = blockOnWrite;
                    if (latch != null) {
                        try {
                            latch.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        throw new IOException("released");
                    }
                    if (buffer.size() + len > failAfter) {
                        throw new IOException("flash worn out");
                    }
                    buffer.write(b, off, len);
                }
            };
        }

        @Override
        public synchronized void commit() {
            committed = current.toByteArray();
        }

        @Override
        public synchronized void discard() {
            discarded.incrementAndGet();
            current = null;
        }

        byte[] committed() {
            return committed;
        }
    }
}
