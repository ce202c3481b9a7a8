package io.cameliotmp.api;

import java.time.Duration;

import io.cameliotmp.camel.IotmpComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Uploads and downloads wait for the device as long as the component waits for its answers. The API read that from
 * the property {@code camel.component.iotmp.request-timeout}, so a request timeout set on the component in Java (here
 * by a {@link CamelContextConfiguration}, as an application's own configuration would) was not what it waited: it
 * waited the property's default. The application here sets no such property.
 */
@ExtendWith(OutputCaptureExtension.class)
@Import(ComponentRequestTimeoutTest.TimeoutInJava.class)
class ComponentRequestTimeoutTest extends OwnApplicationTestSupport {

    /** Neither the default nor anything a property says, and longer than the web server's 30 s (application.yml). */
    private static final Duration SET_IN_JAVA = Duration.ofSeconds(123);

    @Autowired
    FileUploads uploads;

    @Autowired
    FileDownloads downloads;

    @Autowired
    CamelContext camelContext;

    @TestConfiguration
    static class TimeoutInJava {
        @Bean
        CamelContextConfiguration requestTimeoutInJava() {
            return new CamelContextConfiguration() {
                @Override
                public void beforeApplicationStart(CamelContext camelContext) {
                    camelContext.getComponent("iotmp", IotmpComponent.class).getConfiguration()
                            .setRequestTimeout(SET_IN_JAVA.toMillis());
                }

                @Override
                public void afterApplicationStart(CamelContext camelContext) {
                }
            };
        }
    }

    @Test
    void uploadsAndDownloadsWaitTheComponentsRequestTimeoutSetInJava(CapturedOutput output) throws Exception {
        assertThat(get("/v3/users/demo/devices").status()).isEqualTo(200);
        assertThat(uploads.idleTimeout()).isEqualTo(SET_IN_JAVA);
        assertThat(downloads.idleTimeout()).isEqualTo(SET_IN_JAVA);
        // the check of the web server's async timeout sees the same value
        assertThat(output.getAll()).contains("requestTimeout (camel.component.iotmp.request-timeout, PT2M3S)");

        // and a value changed later, on the component as it runs, is the next transfer's
        camelContext.getComponent("iotmp", IotmpComponent.class).getConfiguration().setRequestTimeout(45_000);
        assertThat(uploads.idleTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(downloads.idleTimeout()).isEqualTo(Duration.ofSeconds(45));
    }
}
