package io.cameliotmp.camel;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.OtaSettings;
import io.cameliotmp.device.OtaTarget;
import io.cameliotmp.protocol.session.FirmwareVersionMarker;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.ota.FirmwareUpdateClaim;
import io.cameliotmp.server.ota.FirmwareUpdateException;
import io.cameliotmp.server.ota.FirmwareUpdateReport;
import io.cameliotmp.server.ota.OtaFailure;
import io.cameliotmp.server.ota.OtaStep;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.cameliotmp.testing.Waits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The firmwareUpdate operation: the body is the image, the body becomes the report, progress goes to a route. */
class FirmwareUpdateOperationTest extends IotmpCamelTestSupport {

    @TempDir
    Path temp;

    private IotmpDevice device;

    @Override
    protected String deviceCredentials() {
        return "alice/esp32=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:update").to("iotmp:device:alice/esp32?operation=firmwareUpdate"
                                         + "&firmwareProgressTo=mock:progress&firmwareRebootTimeout=60000");
                // the stream reaches the producer as it is, not read first into Camel's stream cache
                from("direct:uncached").noStreamCaching().to("iotmp:device:alice/esp32?operation=firmwareUpdate");
                from("direct:hurried").to("iotmp:device:alice/esp32?operation=firmwareUpdate"
                                          + "&firmwareTransferTimeout=2000");
                // the device comes from the CamelIotmpDevice header, as in a rollout
                from("direct:anyDevice").noStreamCaching().to("iotmp:device:alice?operation=firmwareUpdate");
            }
        };
    }

    @AfterEach
    void closeDevice() {
        if (device != null) {
            device.close();
        }
    }

    private Path connectDevice(OtaSettings settings) {
        Path flash = temp.resolve("flash.bin");
        device = IotmpDevice.builder().host("127.0.0.1").port(port).credentials("alice", "esp32", "pw")
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .ota(OtaTarget.toFile(flash), settings).build();
        device.start();
        assertThat(device.awaitConnected(WAIT)).isTrue();
        return flash;
    }

    private static byte[] image(String version) {
        byte[] image = new byte[40_000];
        new Random(7).nextBytes(image);
        byte[] marker = FirmwareVersionMarker.bytesOf(version);
        image[999] = 0;
        System.arraycopy(marker, 0, image, 1000, marker.length);
        image[1000 + marker.length] = 0;
        return image;
    }

    @Test
    @SuppressWarnings("unchecked")
    void updatesFromBytesAndReportsProgress() throws Exception {
        Path flash = connectDevice(OtaSettings.defaults().withVersion("1.0.0").withBlockSize(4096));
        MockEndpoint progress = getMockEndpoint("mock:progress");
        byte[] image = image("1.1.0");

        Exchange result = template.request("direct:update", e -> e.getMessage().setBody(image));

        assertThat(result.getException()).isNull();
        Map<String, Object> report = result.getMessage().getBody(Map.class);
        assertThat(report).containsEntry("outcome", "UPDATED").containsEntry("previousVersion", "1.0.0")
                .containsEntry("version", "1.1.0").containsEntry("imageSize", 40_000L);
        assertThat(result.getMessage().getHeader(IotmpConstants.FIRMWARE_OUTCOME)).isEqualTo("UPDATED");
        assertThat(result.getMessage().getHeader(IotmpConstants.FIRMWARE_VERSION)).isEqualTo("1.1.0");
        assertThat(Files.readAllBytes(flash)).isEqualTo(image);

        List<String> steps = progress.getExchanges().stream()
                .map(e -> e.getMessage().getHeader(IotmpConstants.FIRMWARE_STEP, String.class)).distinct().toList();
        assertThat(steps).containsExactly("OPTIONS", "PREPARE", "BEGIN", "WRITE", "END", "REBOOT", "RECONNECT",
                "VERSION");
        Exchange last = progress.getExchanges().stream()
                .filter(e -> e.getMessage().getHeader(IotmpConstants.FIRMWARE_SENT_BYTES, Long.class) > 0)
                .reduce((a, b) -> b).orElseThrow();
        assertThat(last.getMessage().getHeader(IotmpConstants.FIRMWARE_SENT_BYTES))
                .isEqualTo(last.getMessage().getHeader(IotmpConstants.FIRMWARE_TOTAL_BYTES))
                .isEqualTo(report.get("payloadSize"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void updatesFromAStreamAndFromAFile() throws Exception {
        Path flash = connectDevice(OtaSettings.defaults().withCompression("gzip"));
        byte[] first = image("2.0.0");
        Map<String, Object> fromStream = template.requestBody("direct:update", new ByteArrayInputStream(first),
                Map.class);
        assertThat(fromStream).containsEntry("outcome", "UPDATED").containsEntry("compression", "gzip");
        assertThat(Files.readAllBytes(flash)).isEqualTo(first);

        byte[] second = image("2.0.1");
        Path file = temp.resolve("firmware-2.0.1.bin");
        Files.write(file, second);
        Map<String, Object> fromFile = template.requestBody("direct:update", file.toFile(), Map.class);
        assertThat(fromFile).containsEntry("outcome", "UPDATED").containsEntry("previousVersion", "2.0.0")
                .containsEntry("version", "2.0.1");
        assertThat(Files.readAllBytes(flash)).isEqualTo(second);
    }

    @Test
    void aFailureIsAFirmwareUpdateExceptionWithItsReport() {
        connectDevice(OtaSettings.defaults().withEnabled(false));
        CamelExecutionException e = catchThrowableOfType(CamelExecutionException.class,
                () -> template.requestBody("direct:update", image("3.0.0")));
        assertThat(e.getCause()).isInstanceOf(FirmwareUpdateException.class);
        FirmwareUpdateException failure = (FirmwareUpdateException) e.getCause();
        assertThat(failure.failure()).isEqualTo(OtaFailure.DISABLED);
        assertThat(failure.report().toMap()).containsEntry("failure", "DISABLED").containsEntry("success", false);
    }

    @Test
    void firmwareTransferTimeoutEndsAnUpdateTheDeviceStalls() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        ExecutorService handlers = Executors.newCachedThreadPool();
        // a device whose flash never finishes a write: it answers no chunk, each could wait its 30 s timeout
        OtaTarget stalling = size -> new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                try {
                    stuck.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("released");
            }
        };
        device = IotmpDevice.builder().host("127.0.0.1").port(port).credentials("alice", "esp32", "pw")
                .handlerExecutor(handlers).ota(stalling, OtaSettings.defaults().withCompression("")).build();
        device.start();
        assertThat(device.awaitConnected(WAIT)).isTrue();
        try {
            CamelExecutionException e = catchThrowableOfType(CamelExecutionException.class,
                    () -> template.requestBody("direct:hurried", image("3.0.0")));
            FirmwareUpdateException failure = (FirmwareUpdateException) e.getCause();
            assertThat(failure.failure()).isEqualTo(OtaFailure.TIMEOUT);
            assertThat(failure.report().error()).contains("transferTimeout (2000 ms)");
        } finally {
            stuck.countDown();
            handlers.shutdownNow();
        }
    }

    /** The temporary file {@code FirmwareImage.spool} wrote {@code image} to, or null. */
    private static Path spooledCopyOf(byte[] image) throws IOException {
        try (DirectoryStream<Path> spooled = Files.newDirectoryStream(Path.of(System.getProperty("java.io.tmpdir")),
                "iotmp-firmware-*.bin")) {
            for (Path file : spooled) {
                if (Files.size(file) == image.length && Arrays.equals(Files.readAllBytes(file), image)) {
                    return file;
                }
            }
        }
        return null;
    }

    /**
     * A producer that stops interrupts the updates it runs: each ends with its report (failure
     * {@code INTERRUPTED}), as every failed update does, and gives back the device's claim and its spooled image. It
     * ended with a bare InterruptedException, which said nothing of how far the update had come.
     */
    @Test
    void anUpdateCutByItsProducerStoppingEndsWithItsReportAndKeepsNothing() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch writing = new CountDownLatch(1);
        ExecutorService handlers = Executors.newCachedThreadPool();
        OtaTarget stalling = size -> new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                writing.countDown();
                try {
                    stuck.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("released");
            }
        };
        device = IotmpDevice.builder().host("127.0.0.1").port(port).credentials("alice", "esp32", "pw")
                .handlerExecutor(handlers).ota(stalling, OtaSettings.defaults().withCompression("")).build();
        device.start();
        assertThat(device.awaitConnected(WAIT)).isTrue();
        // content of this test only: its spooled copy is told apart from other builds' in the shared directory
        byte[] image = image("4.0." + System.nanoTime());
        Endpoint endpoint = context.getEndpoint("iotmp:device:alice/esp32?operation=firmwareUpdate");
        Producer producer = endpoint.createProducer();
        producer.start();
        Exchange exchange = endpoint.createExchange();
        exchange.getMessage().setBody(new ByteArrayInputStream(image));
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        try {
            AsyncProcessorConverterHelper.convert(producer).process(exchange, done::complete);
            assertThat(writing.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the device got a chunk").isTrue();
            Path spooled = spooledCopyOf(image);
            assertThat(spooled).as("the stream was spooled").isNotNull();

            producer.stop();
            done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            FirmwareUpdateException failure = exchange.getException(FirmwareUpdateException.class);
            assertThat(failure).as("the exchange's exception %s", exchange.getException()).isNotNull();
            assertThat(failure.failure()).isEqualTo(OtaFailure.INTERRUPTED);
            assertThat(failure.step()).isEqualTo(OtaStep.WRITE);
            assertThat(failure.report().toMap()).containsEntry("failure", "INTERRUPTED")
                    .containsEntry("imageSize", (long) image.length);
            assertThat(spooled).as("the spooled image is deleted").doesNotExist();
            assertThat(server(port).firmwareUpdates().running()).as("the device is free for the next update").isZero();
        } finally {
            stuck.countDown();
            handlers.shutdownNow();
        }
    }

    /**
     * A second update of a device being updated fails before it reads its image: spooling a whole stream to disk for
     * an update that cannot run would cost the disk and the time for nothing.
     */
    @Test
    void aSecondUpdateFailsBeforeItsStreamIsRead() throws Exception {
        connectDevice(OtaSettings.defaults());
        AtomicBoolean read = new AtomicBoolean();
        AtomicBoolean closed = new AtomicBoolean();
        InputStream image = new InputStream() {
            @Override
            public int read() {
                read.set(true);
                return -1;
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };
        // the device's claim held as an update that runs holds it
        try (FirmwareUpdateClaim running = FirmwareUpdateClaim.take(server(port), new DeviceId("alice", "esp32"))) {
            CamelExecutionException e = catchThrowableOfType(CamelExecutionException.class,
                    () -> template.requestBody("direct:uncached", image));
            assertThat(e).hasCauseInstanceOf(FirmwareUpdateException.class);
            FirmwareUpdateException failure = (FirmwareUpdateException) e.getCause();
            assertThat(failure.failure()).isEqualTo(OtaFailure.ALREADY_UPDATING);
            assertThat(failure.report().sentBytes()).isZero();
            assertThat(failure.report().imageSize()).as("a stream's size is not known unread")
                    .isEqualTo(FirmwareUpdateReport.UNKNOWN_SIZE);
            assertThat(failure.report().toMap()).doesNotContainKeys("imageSize", "payloadSize");
            assertThat(read).as("the stream was read").isFalse();
            assertThat(closed).as("the stream is closed unread").isTrue();
            assertThat(server(port).firmwareUpdates().running()).as("the running update keeps its claim").isOne();
        }
        assertThat(server(port).firmwareUpdates().running()).isZero();
    }

    /**
     * A second update of a device being updated, given an image whose size is known unread (bytes, a file), reports
     * that size: it said 0, as if the image were empty.
     */
    @Test
    void aSecondUpdateOfAnImageOfKnownSizeReportsItsSize() throws Exception {
        connectDevice(OtaSettings.defaults());
        byte[] image = new byte[1234];
        try (FirmwareUpdateClaim running = FirmwareUpdateClaim.take(server(port), new DeviceId("alice", "esp32"))) {
            CamelExecutionException e = catchThrowableOfType(CamelExecutionException.class,
                    () -> template.requestBody("direct:uncached", image));
            FirmwareUpdateException failure = (FirmwareUpdateException) e.getCause();
            assertThat(failure.failure()).isEqualTo(OtaFailure.ALREADY_UPDATING);
            assertThat(failure.report().imageSize()).isEqualTo(image.length);
            assertThat(failure.report().toMap()).containsEntry("imageSize", (long) image.length)
                    .containsEntry("sentBytes", 0L).doesNotContainKey("payloadSize");
        }
    }

    /** An update whose producer stops while it still reads the image fails as one cut later: INTERRUPTED. */
    @Test
    void anUpdateCutWhileItsImageIsReadEndsWithItsReport() throws Exception {
        connectDevice(OtaSettings.defaults());
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        // a body that arrives slowly, as one read from a client's upload does
        InputStream slow = new InputStream() {
            @Override
            public int read() throws IOException {
                reading.countDown();
                try {
                    never.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new InterruptedIOException("interrupted while reading the upload");
                }
                return -1;
            }
        };
        Endpoint endpoint = context.getEndpoint("iotmp:device:alice/esp32?operation=firmwareUpdate");
        Producer producer = endpoint.createProducer();
        producer.start();
        Exchange exchange = endpoint.createExchange();
        exchange.getMessage().setBody(slow);
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        AsyncProcessorConverterHelper.convert(producer).process(exchange, done::complete);
        assertThat(reading.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the image is being read").isTrue();

        producer.stop();
        done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        FirmwareUpdateException failure = exchange.getException(FirmwareUpdateException.class);
        assertThat(failure).as("the exchange's exception %s", exchange.getException()).isNotNull();
        assertThat(failure.failure()).isEqualTo(OtaFailure.INTERRUPTED);
        assertThat(failure.report().toMap()).containsEntry("sentBytes", 0L).containsEntry("success", false);
        assertThat(failure).hasCauseInstanceOf(InterruptedIOException.class);
        assertThat(server(port).firmwareUpdates().running()).isZero();
    }

    @Test
    void anErrorReadingTheImageStillEndsTheExchange() throws Exception {
        connectDevice(OtaSettings.defaults());
        OutOfMemoryError outOfMemory = new OutOfMemoryError("the image stream's decoder ran out of memory");
        InputStream failing = new InputStream() {
            @Override
            public int read() {
                throw outOfMemory;
            }
        };
        // the exchange ends with the error instead of staying in flight for ever
        Future<Exchange> result = template.asyncSend("direct:uncached", e -> e.getMessage().setBody(failing));
        assertThat(result.get(WAIT.toSeconds(), TimeUnit.SECONDS).getException()).hasCause(outOfMemory);
    }

    /**
     * An image that cannot be read (a file gone, an upload cut) is a failed update like any other, so a rollout's
     * {@code doCatch(FirmwareUpdateException.class)} records it for the device instead of failing the whole route.
     */
    @Test
    void anImageThatCannotBeReadIsAFirmwareUpdateExceptionWithItsReport() throws Exception {
        connectDevice(OtaSettings.defaults());
        InputStream cut = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("the upload was cut");
            }
        };
        for (Object body : List.of(temp.resolve("no-such-firmware.bin"), temp.resolve("gone.bin").toFile(), cut)) {
            Exchange result = template.send("direct:uncached", e -> e.getMessage().setBody(body));
            FirmwareUpdateException failure = result.getException(FirmwareUpdateException.class);
            assertThat(failure).as("the exchange's exception %s for %s", result.getException(), body).isNotNull();
            assertThat(failure.failure()).isEqualTo(OtaFailure.IMAGE_UNREADABLE);
            assertThat(failure.step()).isEqualTo(OtaStep.OPTIONS);
            assertThat(failure.report().toMap()).containsEntry("sentBytes", 0L).containsEntry("success", false)
                    .containsEntry("user", "alice").containsEntry("device", "esp32");
            assertThat(failure).hasCauseInstanceOf(IOException.class);
        }
        assertThat(server(port).firmwareUpdates().running()).isZero();
    }

    /**
     * The operation owns the stream it is given, and closes it unread when it refuses the update before it began (as
     * when another update of the device runs): refused for want of a device, or for a header it cannot read, the
     * stream was left open, a file's descriptor held until the stream was collected. A true/false header it cannot
     * read is refused by name.
     */
    @Test
    void aStreamIsClosedWhenTheUpdateIsRefusedBeforeItBegins() throws Exception {
        connectDevice(OtaSettings.defaults());
        AtomicBoolean read = new AtomicBoolean();
        AtomicInteger closed = new AtomicInteger();
        Supplier<InputStream> image = () -> new InputStream() {
            @Override
            public int read() {
                read.set(true);
                return -1;
            }

            @Override
            public void close() {
                closed.incrementAndGet();
            }
        };
        CamelExecutionException noDevice = catchThrowableOfType(CamelExecutionException.class,
                () -> template.requestBody("direct:anyDevice", image.get()));
        assertThat(noDevice).as("refused without a device").isNotNull();
        assertThat(closed).as("the stream is closed").hasValue(1);
        CamelExecutionException badHeader = catchThrowableOfType(CamelExecutionException.class,
                () -> template.requestBodyAndHeaders("direct:anyDevice", image.get(),
                        Map.of(IotmpConstants.DEVICE, "esp32", IotmpConstants.FIRMWARE_FORCE, "yes")));
        assertThat(badHeader).as("refused for a header it cannot read").isNotNull();
        // it was a NullPointerException naming no header
        assertThat(badHeader.getCause()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(IotmpConstants.FIRMWARE_FORCE).hasMessageContaining("yes");
        assertThat(closed).as("the stream is closed").hasValue(2);
        assertThat(read).as("the stream was read").isFalse();
        assertThat(server(port).firmwareUpdates().running()).isZero();
    }

    @Test
    void aBodyThatIsNoImageIsRefused() {
        connectDevice(OtaSettings.defaults());
        CamelExecutionException e = catchThrowableOfType(CamelExecutionException.class,
                () -> template.requestBody("direct:update", (Object) null));
        assertThat(e.getCause()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("image");
    }
}
