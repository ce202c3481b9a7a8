package io.cameliotmp.api;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.OtaSettings;
import io.cameliotmp.device.OtaTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST …/firmware}: the image as an octet-stream body starts an over-the-air update and is answered 202;
 * {@code GET …/firmware} follows it to its report. Only tokens with the {@code firmware} action may start one.
 */
@ExtendWith(OutputCaptureExtension.class)
class FirmwareUploadTest extends ApiTestSupport {

    private static final String OTA = "test-token-ota";
    private static final String PATH = "/v3/users/demo/devices/dev-ota/firmware";

    private IotmpDevice device;
    private final AtomicReference<byte[]> written = new AtomicReference<>();

    @AfterEach
    void closeDevice() {
        if (device != null) {
            device.close();
        }
    }

    @Test
    void anImageIsUpdatedOverTheAirAndItsReportFollows() throws Exception {
        connectOtaDevice();
        byte[] image = image(100_000, "2.0.0");

        Answer started = send(request(PATH, OTA).header("Content-Type", DeviceApiRoutes.OCTET_STREAM)
                .POST(HttpRequest.BodyPublishers.ofByteArray(image)));
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        assertThat(started.json().get("state").asText()).isEqualTo("running");
        // the fields in the order the README shows them, the same in every run
        assertThat(fieldNames(started.json())).containsExactly("device", "state", "imageSize");

        JsonNode[] report = new JsonNode[1];
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            Answer answer = send(request(PATH, OTA).GET());
            report[0] = answer.json();
            return answer.status() == 200 && !"running".equals(report[0].get("state").asText());
        });
        assertThat(report[0].get("state").asText()).as(report[0].toString()).isEqualTo("ended");
        assertThat(report[0].get("outcome").asText()).isEqualTo("UPDATED");
        assertThat(report[0].get("version").asText()).isEqualTo("2.0.0");
        assertThat(written.get()).isEqualTo(image);
        List<String> fields = fieldNames(report[0]);
        assertThat(fields.subList(0, 4)).containsExactly("user", "device", "outcome", "success");
        assertThat(fields.get(fields.size() - 1)).isEqualTo("state");
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void onlyATokenWithTheFirmwareActionStartsAnUpdateAndBadUploadsAreRefused() throws Exception {
        connectOtaDevice();
        byte[] image = image(10_000, "2.0.1");
        // the token of every other action has not this one
        assertThat(send(request(PATH, ALL).header("Content-Type", DeviceApiRoutes.OCTET_STREAM)
                .POST(HttpRequest.BodyPublishers.ofByteArray(image))).status()).isEqualTo(403);
        assertThat(send(request(PATH, OTA).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))).status()).isEqualTo(415);
        // larger than camel.iotmp.api.max-firmware-size (1 MB in the tests' application.yml)
        Answer tooLarge = send(request(PATH, OTA).header("Content-Type", DeviceApiRoutes.OCTET_STREAM)
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[2 * 1024 * 1024])));
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.json().has("message")).isTrue();
        assertThat(written.get()).isNull();
    }

    /**
     * {@code force} is true or false: anything else was accepted with 202, and the update then failed on Camel's
     * conversion of it, with a WARN line and its stack trace per request and that exception's text as the report.
     */
    @Test
    void aForceThatIsNoBooleanIsRefusedBeforeTheUpdateStarts(CapturedOutput output) throws Exception {
        connectOtaDevice();
        byte[] image = image(10_000, "1.0.0");

        Answer refused = send(request(PATH + "?force=yes", OTA).header("Content-Type", DeviceApiRoutes.OCTET_STREAM)
                .POST(HttpRequest.BodyPublishers.ofByteArray(image)));
        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.json().path("message").asText()).isEqualTo("force is true or false, not yes");
        assertThat(written.get()).as("no update started").isNull();

        // the version the device runs already: only force updates it
        Answer forced = send(request(PATH + "?force=TRUE", OTA).header("Content-Type", DeviceApiRoutes.OCTET_STREAM)
                .POST(HttpRequest.BodyPublishers.ofByteArray(image)));
        assertThat(forced.status()).as(forced.text()).isEqualTo(202);
        JsonNode[] report = new JsonNode[1];
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            report[0] = send(request(PATH, OTA).GET()).json();
            return !"running".equals(report[0].path("state").asText());
        });
        assertThat(report[0].path("outcome").asText()).as(report[0].toString()).isEqualTo("UPDATED");
        assertThat(written.get()).isEqualTo(image);
        assertThat(output.getAll()).doesNotContain("ended without a report");
    }

    private void connectOtaDevice() throws Exception {
        device = IotmpDevice.builder().host("127.0.0.1").port(iotmpPort).credentials("demo", "dev-ota", "secret-ota")
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .ota(collecting(), OtaSettings.defaults().withVersion("1.0.0")).build();
        device.start().toCompletableFuture().get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private OtaTarget collecting() {
        return new OtaTarget() {
            private java.io.ByteArrayOutputStream image;

            @Override
            public java.io.OutputStream open(long size) {
                image = new java.io.ByteArrayOutputStream();
                return image;
            }

            @Override
            public void commit() {
                written.set(image.toByteArray());
            }
        };
    }

    /** An image with its version marker ({@code @(#)version}), as the update checks it after the reboot. */
    private static byte[] image(int size, String version) {
        byte[] image = new byte[size];
        new Random(size).nextBytes(image);
        byte[] marker = ("\0@(#)" + version + "\0").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(marker, 0, image, size / 2, marker.length);
        return image;
    }
}
