package io.cameliotmp.api;

import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.FrameTooLargeForDeviceException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The API's answer to failures that need no running application to be checked. */
class ApiErrorTest {

    @Test
    void aCallTooLargeForTheDeviceIs413WithTheReason() {
        ApiError error = ApiError.of(new java.util.concurrent.CompletionException(
                new FrameTooLargeForDeviceException(new DeviceId("demo", "device-1"), "RUN echo", 40_000, 32_768)));
        assertThat(error.status()).isEqualTo(413);
        assertThat(error.message()).contains("40000").contains("32768").contains("maxOutboundFrameSize");
    }
}
