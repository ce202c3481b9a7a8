package io.cameliotmp.api;

import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.FrameTooLargeForDeviceException;
import io.cameliotmp.server.MalformedAnswerException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The API's answer to failures that need no running application to be checked. */
class ApiErrorTest {

    /** An upload the client gave up, or one that stalled, is the client's doing: no stack trace at ERROR. */
    @Test
    void aBodyTheClientAbandonedIsTheClientsFault() {
        ApiError aborted = ApiError.of(new org.apache.camel.RuntimeCamelException(
                new org.apache.catalina.connector.ClientAbortException(new java.io.IOException("Connection reset"))));
        assertThat(aborted.status()).isEqualTo(400);
        assertThat(aborted.isServerFault()).isFalse();
        ApiError stalled = ApiError.of(new java.io.UncheckedIOException(new java.net.SocketTimeoutException("read")));
        assertThat(stalled.status()).isEqualTo(408);
        assertThat(stalled.isServerFault()).isFalse();
        assertThat(ApiError.of(new java.io.IOException("disk full")).isServerFault()).isTrue();
    }

    @Test
    void aCallTooLargeForTheDeviceIs413WithTheReason() {
        ApiError error = ApiError.of(new java.util.concurrent.CompletionException(
                new FrameTooLargeForDeviceException(new DeviceId("demo", "device-1"), "RUN echo", 40_000, 32_768)));
        assertThat(error.status()).isEqualTo(413);
        assertThat(error.message()).contains("40000").contains("32768").contains("maxOutboundFrameSize");
    }

    @Test
    void anAnswerTheServerCouldNotReadIs502WithTheReason() {
        ApiError error = ApiError.of(new java.util.concurrent.CompletionException(new MalformedAnswerException(
                new DeviceId("demo", "device-1"), "the answer of demo/device-1 to RUN echo could not be read")));
        assertThat(error.status()).isEqualTo(502);
        assertThat(error.message()).contains("could not be read");
        assertThat(error.isServerFault()).isFalse();
    }
}
