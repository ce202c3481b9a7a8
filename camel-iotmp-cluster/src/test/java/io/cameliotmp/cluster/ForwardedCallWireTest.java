package io.cameliotmp.cluster;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cameliotmp.server.DeviceDisconnectedException;
import io.cameliotmp.server.DeviceErrorException;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceNotConnectedException;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.DeviceReply;
import io.cameliotmp.server.DeviceRequestTimeoutException;
import io.cameliotmp.server.FrameTooLargeForDeviceException;
import io.cameliotmp.server.IotmpRequestException;
import io.cameliotmp.server.MalformedAnswerException;
import io.cameliotmp.server.NotSupportedByDeviceException;
import io.cameliotmp.server.TooManyPendingRequestsException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Forwarded calls and answers cross members as PSON: what a member reads back is what the other one sent. */
class ForwardedCallWireTest {

    @Test
    void aCallArrivesWithItsRequestAndItsValues() {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("n", 42L);
        input.put("x", 1.5);
        input.put("on", true);
        input.put("none", null);
        input.put("list", List.of("a", -7L));
        input.put("raw", new byte[] {1, 2, 3});
        ForwardedCall sent = new ForwardedCall("alice", "dev-1", 7L,
                new ForwardedRequest(ForwardedRequest.Kind.START_STREAM, "temp", input, Map.of("p", 2L), 3, 1_000L,
                        99L), 10_000L);

        byte[] bytes = sent.toBytes();
        byte[] framed = new byte[bytes.length + 4];
        System.arraycopy(bytes, 0, framed, 2, bytes.length);
        ForwardedCall read = ForwardedCall.fromBytes(framed, 2, bytes.length);

        assertThat(read.deviceId()).isEqualTo(new DeviceId("alice", "dev-1"));
        assertThat(read.sessionNumber()).isEqualTo(7L);
        assertThat(read.timeoutMillis()).isEqualTo(10_000L);
        ForwardedRequest request = read.request();
        assertThat(request.kind()).isEqualTo(ForwardedRequest.Kind.START_STREAM);
        assertThat(request.resource()).isEqualTo("temp");
        assertThat(request.parameters()).isEqualTo(Map.of("p", 2L));
        assertThat(request.streamId()).isEqualTo(3);
        assertThat(request.intervalMillis()).isEqualTo(1_000L);
        assertThat(request.relay()).isEqualTo(99L);
        @SuppressWarnings("unchecked")
        Map<String, Object> values = (Map<String, Object>) request.input();
        // as a device's PSON decodes them: 1.5 travels as float32, exactly as it reaches the device from the holder
        assertThat(values).containsKeys("n", "x", "on", "none", "list", "raw").containsEntry("n", 42L)
                .containsEntry("x", 1.5f).containsEntry("on", true).containsEntry("list", List.of("a", -7L));
        assertThat(values.get("none")).isNull();
        assertThat((byte[]) values.get("raw")).containsExactly(1, 2, 3);
    }

    @Test
    void everyOutcomeCrossesWithWhatItCarries() {
        DeviceId device = new DeviceId("alice", "dev-1");
        for (ForwardedAnswer sent : List.of(
                new ForwardedAnswer(ForwardedAnswer.Outcome.OK, 5, Map.of("a", 1L), List.of(2L, "three"), null, 0, 0),
                ForwardedAnswer.failure(new DeviceErrorException(device, "RUN x", 404L, "no such resource"), 0),
                ForwardedAnswer.failure(new DeviceRequestTimeoutException(device, "RUN x",
                        java.time.Duration.ofMillis(250)), 250),
                ForwardedAnswer.failure(new FrameTooLargeForDeviceException(device, "RUN x", 70_000, 65_536), 0),
                ForwardedAnswer.failure(new NotSupportedByDeviceException(device, "legacy devices take no stream data"),
                        0),
                ForwardedAnswer.failure(new IllegalStateException("boom"), 0))) {
            ForwardedAnswer read = ForwardedAnswer.fromBytes(sent.toBytes());
            assertThat(read).isEqualTo(sent);
        }
        assertThat(ForwardedAnswer.fromBytes(ForwardedAnswer.failure(new NotSupportedByDeviceException(device,
                "legacy devices take no stream data"), 0).toBytes()).outcome())
                .isEqualTo(ForwardedAnswer.Outcome.NOT_SUPPORTED);
    }

    /**
     * What the calling member throws for each outcome is what the holder's local call threw: same type, message,
     * device and carried values. A switch over every outcome, so a new one cannot go untested.
     */
    @Test
    void everyFailureIsRebuiltAsTheExceptionALocalCallThrows() {
        DeviceId device = new DeviceId("alice", "dev-1");
        DeviceRegistration registration = new DeviceRegistration(device, 7, null, java.time.Instant.EPOCH,
                io.cameliotmp.protocol.Generation.GEN2, 60);
        String request = "RUN x";
        for (ForwardedAnswer.Outcome outcome : ForwardedAnswer.Outcome.values()) {
            RuntimeException local = switch (outcome) {
                case OK -> null;
                case ERROR -> new DeviceErrorException(device, request, 404L, Map.of("error", "no such resource"));
                case NOT_CONNECTED -> new DeviceNotConnectedException(device);
                case TIMEOUT -> new DeviceRequestTimeoutException(device, request, Duration.ofMillis(250));
                case DISCONNECTED -> new DeviceDisconnectedException(device, "replaced by a newer connection");
                case TOO_MANY_PENDING -> new TooManyPendingRequestsException(device, 32);
                case FRAME_TOO_LARGE -> new FrameTooLargeForDeviceException(device, request, 70_000, 65_536);
                case FAILED -> new IllegalStateException("boom");
                case NOT_SUPPORTED -> new NotSupportedByDeviceException(device, "legacy devices take no stream data");
                case MALFORMED_ANSWER -> new MalformedAnswerException(device,
                        "the answer of alice/dev-1 to RUN x could not be read: containers nested too deeply");
            };
            if (local == null) {
                DeviceReply reply = ForwardedAnswer.fromBytes(ForwardedAnswer.ok(
                        new DeviceReply(registration, 5, null, List.of(1L))).toBytes()).toReply(registration, request);
                assertThat(reply.payload()).isEqualTo(List.of(1L));
                assertThat(reply.streamId()).isEqualTo(5);
                continue;
            }
            ForwardedAnswer read = ForwardedAnswer.fromBytes(ForwardedAnswer.failure(local, 250).toBytes());
            assertThat(read.outcome()).as(local.toString()).isEqualTo(outcome);
            Throwable rebuilt = catchThrowable(() -> read.toReply(registration, request));
            if (outcome == ForwardedAnswer.Outcome.FAILED) {
                assertThat(rebuilt).isExactlyInstanceOf(IotmpRequestException.class).hasMessageContaining("boom");
                continue;
            }
            assertThat(rebuilt).as(outcome.name()).isInstanceOf(local.getClass()).hasMessage(local.getMessage());
            assertThat(((IotmpRequestException) rebuilt).deviceId()).isEqualTo(device);
            if (local instanceof DeviceErrorException error) {
                assertThat(((DeviceErrorException) rebuilt).code()).isEqualTo(error.code());
                assertThat(((DeviceErrorException) rebuilt).payload()).isEqualTo(error.payload());
            } else if (local instanceof FrameTooLargeForDeviceException tooLarge) {
                assertThat(((FrameTooLargeForDeviceException) rebuilt).frameSize()).isEqualTo(tooLarge.frameSize());
                assertThat(((FrameTooLargeForDeviceException) rebuilt).limit()).isEqualTo(tooLarge.limit());
            }
        }
    }
}
