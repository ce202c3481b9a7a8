package io.cameliotmp.camel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.testing.StderrCapture;
import org.apache.camel.main.Main;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.util.URISupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Camel Main prints the {@code camel.component.*} properties of the application's files at start-up, at INFO, and
 * masks those whose name it finds sensitive: {@code deviceCredentials} and iotmp-device's {@code credential} are not
 * among Camel's own, and were printed in clear unless the application added
 * {@code camel.main.additional-sensitive-keywords} itself. The components now add their secrets' names to the
 * context's as Camel Main creates them.
 */
class CamelMainSummaryTest {

    private final Main main = new Main();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        main.stop();
    }

    /** Camel Main prints only the properties of files (those given in code are internal, and printed at DEBUG). */
    private void properties(String... lines) throws Exception {
        Path file = dir.resolve("application.properties");
        Files.write(file, List.of(lines));
        main.setPropertyPlaceholderLocations("file:" + file.toAbsolutePath());
    }

    @Test
    void theCredentialsAreMaskedInTheStartUpSummary() throws Exception {
        properties("camel.component.iotmp.device-credentials = demo/device-1=server-side-secret",
                "camel.component.iotmp.max-credential-length = 777",
                "camel.component.iotmp-device.credential = device-side-secret",
                "camel.component.iotmp-device.host = 127.0.0.1");

        try (StderrCapture log = StderrCapture.start()) {
            AtomicLong secrets = log.count(line -> line.contains("server-side-secret")
                                                   || line.contains("device-side-secret"));
            AtomicLong masked = log.count(line -> line.contains("camel.component.iotmp.deviceCredentials = xxxxxx")
                                                  || line.contains("camel.component.iotmp-device.credential = xxxxxx"));
            AtomicLong shown = log.count(line -> line.contains("camel.component.iotmp.maxCredentialLength = 777")
                                                 || line.contains("camel.component.iotmp-device.host = 127.0.0.1"));
            main.start();

            assertThat(secrets.get()).as("lines with a credential").isZero();
            assertThat(masked.get()).as("the credentials' lines, masked").isEqualTo(2);
            assertThat(shown.get()).as("the other options' lines, in clear").isEqualTo(2);
        }
    }

    @Test
    void theApplicationsOwnKeywordsStay() throws Exception {
        properties("camel.main.additional-sensitive-keywords = pincode",
                "camel.component.iotmp.device-credentials = demo/device-1=server-side-secret");

        main.start();

        assertThat(CamelContextHelper.containsSensitive(main.getCamelContext(), "camel.component.foo.pincode"))
                .isTrue();
        assertThat(CamelContextHelper.containsSensitive(main.getCamelContext(),
                "camel.component.iotmp.device-credentials")).isTrue();
        assertThat(CamelContextHelper.containsSensitive(main.getCamelContext(),
                "camel.component.iotmp-device.credential")).isTrue();
    }

    /**
     * A context's keywords replace those of Camel's URI sanitizer, one for the whole JVM: with keywords of the
     * application's own, URIs showed iotmp-device's credential (and, with {@code devicecredentials} as the guide
     * said, still did).
     */
    @Test
    void theApplicationsOwnKeywordsLeaveTheCredentialsMaskedInUris() throws Exception {
        // as in any application whose components' classes were loaded before its context was configured
        UriSecrets.register();
        properties("camel.main.additional-sensitive-keywords = pincode");

        main.start();

        String uri = main.getCamelContext().getEndpoint("iotmp-device:temperature?host=127.0.0.1&port=1&user=alice"
                                                        + "&device=esp32&credential=topsecret")
                .getEndpointUri();
        assertThat(URISupport.sanitizeUri(uri)).contains("credential=xxxxxx").doesNotContain("topsecret");
        assertThat(URISupport.sanitizeUri("iotmp:events?deviceCredentials=RAW(alice/*=topsecret)"))
                .doesNotContain("topsecret");
    }
}
