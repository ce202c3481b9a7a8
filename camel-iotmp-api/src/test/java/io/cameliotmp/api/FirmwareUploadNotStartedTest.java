package io.cameliotmp.api;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Map;

import io.cameliotmp.camel.IotmpConstants;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An upload whose update the producer refuses to start (the application stopping, its template stopped first) has
 * given its place and its claim back; its report must not say {@code running} either. It did:
 * the report was written before the update was handed over, and stayed {@code running} for good, though no update
 * ran and none would ever end it.
 */
class FirmwareUploadNotStartedTest {

    private final CamelContext camel = new DefaultCamelContext();

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void anUpdateTheProducerRefusesToStartIsNotReportedRunning() throws Exception {
        camel.start();
        ProducerTemplate refusing = camel.createProducerTemplate();
        refusing.stop(); // as when the application stops: it refuses every send
        FirmwareUploads uploads = new FirmwareUploads(refusing, 1024,
                new UserSlots(UserSlots.Kind.FIRMWARE_UPDATES, 4, 1.0),
                new UploadRate(1, Duration.ofMinutes(10), System::nanoTime));

        Exchange upload = exchange(new ByteArrayInputStream(new byte[100]));
        upload.getMessage().setHeader(Exchange.CONTENT_TYPE, DeviceApiRoutes.OCTET_STREAM);
        assertThatThrownBy(() -> uploads.start(upload)).isInstanceOf(IllegalStateException.class);

        assertThat(uploads.running()).as("its place given back").isZero();
        assertThat(uploads.updating("demo/dev-ota")).as("its claim given back").isFalse();
        Exchange asked = exchange(null);
        uploads.report(asked);
        @SuppressWarnings("unchecked")
        Map<String, Object> report = asked.getMessage().getBody(Map.class);
        assertThat(report).as("no update runs").doesNotContainEntry("state", "running")
                .containsEntry("state", "failed").containsEntry("device", "demo/dev-ota");
        assertThat(String.valueOf(report.get("error"))).contains("not started");
    }

    private Exchange exchange(Object body) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(IotmpConstants.USER, "demo");
        exchange.getMessage().setHeader(IotmpConstants.DEVICE, "dev-ota");
        exchange.getMessage().setBody(body);
        return exchange;
    }
}
