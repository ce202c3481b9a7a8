package io.cameliotmp.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter binds {@code camel.component.iotmp.request-timeout} as a Duration ({@code 45s} as well as
 * milliseconds); the API, which waits as long for the device's answer to an upload or a download, read it as a
 * number of milliseconds, so an application with {@code request-timeout=45s} did not start.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = "camel.component.iotmp.request-timeout=45s")
class DeviceRequestTimeoutPropertyTest extends OwnApplicationTestSupport {

    @Test
    void aTimeoutWithAUnitStartsTheApiAndIsReadAsWritten(CapturedOutput output) throws Exception {
        assertThat(get("/v3/users/demo/devices").status()).isEqualTo(200);
        // longer than the web server's 30 s for an asynchronous request (application.yml): the API says so at start
        assertThat(output.getAll()).contains("requestTimeout (camel.component.iotmp.request-timeout, PT45S)");
    }
}
