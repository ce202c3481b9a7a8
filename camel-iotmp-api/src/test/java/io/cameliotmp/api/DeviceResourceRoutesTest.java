package io.cameliotmp.api;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.cameliotmp.device.IotmpErrorException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The resource routes against a device with the file-system-like resources of IOTMP-Linux: multi-segment names
 * (plain or with {@code %2F}), byte bodies and answers, device errors with their payload, and the one error shape.
 */
@ExtendWith(OutputCaptureExtension.class)
class DeviceResourceRoutesTest extends ApiTestSupport {

    private static final String DEV = "/v3/users/demo/devices/dev-1/resources";

    @BeforeEach
    void connectDevice() throws Exception {
        connect("demo", "dev-1", "secret-1", device -> {
            device.resource("$fs/info/*path").handler(io.cameliotmp.device.ResourceKind.OUTPUT,
                    request -> Map.of("path", request.pathParam("path")));
            device.resource("echo").inputOutput(input -> input);
            device.resource("odd-numbers").output(() -> java.util.List.of(Double.NaN, Float.POSITIVE_INFINITY,
                    Double.NEGATIVE_INFINITY, new java.math.BigInteger("18446744073709551615"), Long.MIN_VALUE));
            device.resource("odd/api").output(() -> "not a description");
            device.resource("cmd").inputOutput(input -> {
                Map<String, Object> failed = new LinkedHashMap<>();
                failed.put("out", "partial output\n");
                failed.put("exit", 3);
                throw new IotmpErrorException(500L, failed);
            });
        });
    }

    @Test
    void aResourceNameWithSlashesIsReachedPlainOrEncoded() throws Exception {
        Answer plain = get(DEV + "/$fs/info/etc/hosts");
        Answer encoded = get(DEV + "/%24fs%2Finfo%2Fetc%2Fhosts");

        assertThat(plain.status()).as(plain.text()).isEqualTo(200);
        assertThat(plain.json().path("path").asText()).isEqualTo("etc/hosts");
        assertThat(encoded.status()).as(encoded.text()).isEqualTo(200);
        assertThat(encoded.json()).isEqualTo(plain.json());
    }

    /** JSON has no NaN or infinity: as documented, they are strings, and whole numbers are written in full. */
    @Test
    void numbersJsonHasNoNumberForAreStringsAndWholeNumbersAreWrittenInFull() throws Exception {
        Answer answer = get(DEV + "/odd-numbers");

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.text())
                .isEqualTo("[\"NaN\",\"Infinity\",\"-Infinity\",18446744073709551615,-9223372036854775808]");
    }

    @Test
    void aPlainApiSuffixDescribesAnEncodedOneIsPartOfTheName() throws Exception {
        Answer described = get(DEV + "/echo/api");
        Answer run = get(DEV + "/odd%2Fapi");

        assertThat(described.status()).as(described.text()).isEqualTo(200);
        assertThat(run.status()).as(run.text()).isEqualTo(200);
        assertThat(run.json().asText()).isEqualTo("not a description");
        assertThat(get(DEV).json().has("$fs/info/*path")).isTrue();
    }

    @Test
    void aBodyNestedDeeperThanADeviceTakesIsRefusedWith400() throws Exception {
        // what a device takes comes back
        Answer deepest = post(DEV + "/echo", "application/json", nested(JsonBodies.MAX_DEPTH));
        assertThat(deepest.status()).as(deepest.text()).isEqualTo(200);
        assertThat(deepest.bytes()).isEqualTo(nested(JsonBodies.MAX_DEPTH));

        // one level more the device would drop (the call waiting its whole timeout); far more the server cannot encode
        for (int depth : new int[] {JsonBodies.MAX_DEPTH + 1, 200}) {
            Answer refused = post(DEV + "/echo", "application/json", nested(depth));
            assertThat(refused.status()).as(refused.text()).isEqualTo(400);
            assertThat(refused.json().path("message").asText()).contains("deeper than " + JsonBodies.MAX_DEPTH);
        }
    }

    /** {@code [[…]]}, {@code depth} arrays in one another. */
    private static byte[] nested(int depth) {
        return ("[".repeat(depth) + "]".repeat(depth)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Test
    void aWholeNumberBeyond64BitsIsRefusedWith400NotAServerFault(CapturedOutput output) throws Exception {
        Answer largest = post(DEV + "/echo", "application/json", utf8("[18446744073709551615,-9223372036854775808]"));

        assertThat(largest.status()).as(largest.text()).isEqualTo(200);
        assertThat(largest.text()).isEqualTo("[18446744073709551615,-9223372036854775808]");
        for (String body : new String[] {"18446744073709551616", "-18446744073709551617", "{\"a\":[1" + "0".repeat(40)
                                                                                          + "]}"}) {
            Answer refused = post(DEV + "/echo", "application/json", utf8(body));

            assertErrorShape(refused, 400);
            assertThat(refused.json().path("message").asText()).contains("64 bits");
        }
        // PSON cannot carry them: the call failed as the server's own fault, an ERROR line with a stack trace each
        assertThat(output.getOut() + output.getErr()).doesNotContain("PSON integers are limited");
    }

    @Test
    void aStringWithALoneSurrogateIsRefusedWith400NotChangedOnItsWay() throws Exception {
        Answer pair = post(DEV + "/echo", "application/json", utf8("[\"\\ud83d\\ude00\"]"));

        assertThat(pair.status()).as(pair.text()).isEqualTo(200);
        assertThat(pair.json().get(0).asText()).isEqualTo("\ud83d\ude00");
        for (String body : new String[] {"\"\\ud800\"", "[\"a\\udc00b\"]", "{\"\\ud83d\":1}", "\"\\ude00\\ud83d\""}) {
            Answer refused = post(DEV + "/echo", "application/json", utf8(body));

            assertErrorShape(refused, 400);
            assertThat(refused.json().path("message").asText()).as(body).contains("lone surrogate");
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void bytesGoInAndComeBackAsBytes() throws Exception {
        byte[] bytes = new byte[70_000 / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }

        Answer answer = post(DEV + "/echo", "application/octet-stream", bytes);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("application/octet-stream");
        assertThat(answer.bytes()).isEqualTo(bytes);
    }

    @Test
    void aDeviceErrorReachesTheCallerWithItsStatusAndPayloadAndNoStackTrace(CapturedOutput output) throws Exception {
        Answer answer = post(DEV + "/cmd", "application/json", "\"exit 3\"".getBytes(StandardCharsets.UTF_8));

        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.json().path("payload").path("exit").asInt()).isEqualTo(3);
        assertThat(answer.json().path("payload").path("out").asText()).isEqualTo("partial output\n");
        assertThat(output.getOut() + output.getErr()).doesNotContain("DeviceErrorException");
    }

    @Test
    void frameworkFailuresHaveTheApiErrorShape() throws Exception {
        Answer put = send(request(DEV + "/echo").PUT(java.net.http.HttpRequest.BodyPublishers.ofString("1")));
        Answer unknown = get("/v3/users/demo/nothing");
        Answer text = post(DEV + "/echo", "text/plain", "hello".getBytes(StandardCharsets.UTF_8));
        Answer describeByPost = post(DEV + "/echo/api", "application/json", "1".getBytes(StandardCharsets.UTF_8));

        assertErrorShape(put, 405);
        assertErrorShape(unknown, 404);
        assertErrorShape(text, 415);
        assertErrorShape(describeByPost, 405);
    }

    /**
     * The WebSocket endpoints answer a request that is no handshake as the rest of the API: Spring's handshake answered
     * it with a line of plain text (400) or nothing at all (405).
     */
    @Test
    void webSocketPathsAnswerOtherRequestsWithTheApiErrorShape() throws Exception {
        for (String path : new String[] {DEV + "/echo/ws", "/v3/users/demo/devices/dev-1/sessions/terminal"}) {
            Answer plainGet = get(path);
            Answer post = post(path, "application/json", utf8("1"));

            assertErrorShape(plainGet, 400);
            assertThat(plainGet.json().path("message").asText()).contains("Upgrade: websocket");
            assertErrorShape(post, 405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET");
        }
    }

    @Test
    void relativeSegmentsAndControlCharactersAre400() throws Exception {
        assertErrorShape(get(DEV + "/$fs/info%2F..%2Fsecret"), 400);
        assertErrorShape(get(DEV + "/a%0Ab"), 400);
        assertErrorShape(get(DEV + "/a%2F%2Fb"), 400);
    }

    private static void assertErrorShape(Answer answer, int status) throws Exception {
        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        assertThat(answer.contentType()).as(answer.text()).startsWith("application/json");
        assertThat(answer.json().path("status").asInt()).isEqualTo(status);
        assertThat(answer.json().path("error").asText()).isEqualTo(ApiError.reasonPhrase(status));
        assertThat(answer.json().path("message").asText()).isNotBlank();
    }
}
