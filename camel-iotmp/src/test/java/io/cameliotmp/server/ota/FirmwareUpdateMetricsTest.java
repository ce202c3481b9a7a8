package io.cameliotmp.server.ota;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpDeviceBuilder;
import io.cameliotmp.device.OtaSettings;
import io.cameliotmp.micrometer.MicrometerServerMetrics;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.ServerMetrics.FirmwareOutcome;
import io.cameliotmp.server.StaticAuthenticator;
import io.cameliotmp.server.ota.FirmwareUpdateTest.RecordingTarget;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Every firmware update that ends is counted once by its outcome: {@code iotmp.firmware.updates{outcome=…}} in
 * Micrometer, and the server's totals the JMX view and the dev console show. Before, only the gauge of updates running
 * existed, and an operator could not tell how many updates had succeeded, failed or timed out.
 */
class FirmwareUpdateMetricsTest {

    private static final DeviceId DEVICE = new DeviceId("alice", "esp32");

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final List<IotmpDevice> devices = new ArrayList<>();
    private IotmpServer server;

    @BeforeEach
    void startServer() {
        server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(0).nativeTransport(false)
                .authenticator(StaticAuthenticator.parse("alice/esp32=s3cr3t"))
                .metrics(MicrometerServerMetrics.factory(meters)).build());
        server.start();
    }

    @AfterEach
    void stop() {
        devices.forEach(IotmpDevice::close);
        server.stop();
    }

    private void device(OtaSettings settings, Consumer<IotmpDeviceBuilder> options) {
        IotmpDeviceBuilder builder = IotmpDevice.builder().host("127.0.0.1").port(server.localAddress().getPort())
                .credentials("alice", "esp32", "s3cr3t").ota(new RecordingTarget(), settings);
        options.accept(builder);
        IotmpDevice device = builder.build();
        devices.add(device);
        device.start();
        assertThat(device.awaitConnected(Duration.ofSeconds(30))).isTrue();
        eventually().until(() -> server.registry().isConnected(DEVICE));
    }

    private double counted(String outcome) {
        return meters.get("iotmp.firmware.updates").tag("port", String.valueOf(server.port()))
                .tag("outcome", outcome).counter().count();
    }

    private static FirmwareUpdateOptions options() {
        return FirmwareUpdateOptions.defaults().withRebootTimeout(Duration.ofSeconds(30));
    }

    private FirmwareUpdateException failure(FirmwareImage image, FirmwareUpdateOptions options) {
        return catchThrowableOfType(FirmwareUpdateException.class,
                () -> FirmwareUpdate.run(server, DEVICE, image, options, null));
    }

    @Test
    void everyOutcomeIsCountedOnceSuccessesAndFailuresApart() throws Exception {
        // no device: gone before anything was sent, a failure like the others
        assertThat(failure(FirmwareImage.of(FirmwareUpdateTest.image(5000, "2.0.0")), options()).failure())
                .isEqualTo(OtaFailure.DEVICE_GONE);
        // a second update of a device whose claim is taken: refused before it began, counted all the same
        try (FirmwareUpdateClaim claim = FirmwareUpdateClaim.take(server, DEVICE)) {
            FirmwareUpdateException refused = catchThrowableOfType(FirmwareUpdateException.class,
                    () -> FirmwareUpdateClaim.take(server, DEVICE));
            assertThat(refused.failure()).isEqualTo(OtaFailure.ALREADY_UPDATING);
        }
        device(OtaSettings.defaults().withVersion("2.0.0"), builder -> {
        });
        assertThat(FirmwareUpdate.run(server, DEVICE, FirmwareImage.of(FirmwareUpdateTest.image(5000, "2.0.0")),
                options(), null).outcome()).isEqualTo(OtaOutcome.ALREADY_CURRENT);
        assertThat(FirmwareUpdate.run(server, DEVICE, FirmwareImage.of(FirmwareUpdateTest.image(5000, "3.0.0")),
                options().withRebootTimeout(Duration.ZERO), null).outcome()).isEqualTo(OtaOutcome.STAGED);

        assertThat(counted("failed")).isEqualTo(2.0);
        assertThat(counted("already-current")).isEqualTo(1.0);
        assertThat(counted("staged")).isEqualTo(1.0);
        assertThat(counted("updated")).isZero();
        assertThat(counted("rebooted")).isZero();
        assertThat(counted("timeout")).isZero();
        assertThat(server.totals().firmwareUpdates()).isEqualTo(4);
        assertThat(server.totals().firmwareUpdatesFailed()).isEqualTo(2);
        assertThat(server.totals().firmwareUpdatesTimedOut()).isZero();
    }

    @Test
    void anUpdateWhoseDeviceDoesNotComeBackIsCountedAsATimeout() throws Exception {
        // the device never reconnects, so the update times out whatever the machine's speed
        device(OtaSettings.defaults(), IotmpDeviceBuilder::noReconnect);
        FirmwareUpdateException e = failure(FirmwareImage.of(FirmwareUpdateTest.image(5000, "2.0.0")),
                options().withRebootTimeout(Duration.ofSeconds(1)));
        assertThat(e.failure()).isEqualTo(OtaFailure.TIMEOUT);

        assertThat(counted("timeout")).isEqualTo(1.0);
        assertThat(counted("failed")).isZero();
        assertThat(server.totals().firmwareUpdates()).isEqualTo(1);
        assertThat(server.totals().firmwareUpdatesTimedOut()).isEqualTo(1);
        assertThat(server.totals().firmwareUpdatesFailed()).isZero();
    }

    @Test
    void theTagsAreLowerCaseWhateverTheDefaultLocale() {
        Locale before = Locale.getDefault();
        try {
            // a Turkish default lower-cases the I of FAILED to a dotless one, which no query matches
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            assertThat(FirmwareOutcome.ALREADY_CURRENT.tag()).isEqualTo("already-current");
            assertThat(FirmwareOutcome.FAILED.tag()).isEqualTo("failed");
            assertThat(FirmwareOutcome.TIMEOUT.tag()).isEqualTo("timeout");
        } finally {
            Locale.setDefault(before);
        }
    }
}
