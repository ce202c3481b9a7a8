package io.cameliotmp.camel.device;

import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.testing.StderrCapture;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code stream} operation on a resource that no consumer route of the connection declares can never send
 * anything: it is said once per resource name at WARN (the exchange goes on, {@code CamelIotmpDeviceStreamed} false),
 * never per exchange, and never for a declared resource that merely has no stream open.
 */
class IotmpDeviceUndeclaredStreamTest extends IotmpDeviceTestSupport {

    private static final String UNDECLARED = "declares the resource";

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp-device:memory").setBody(constant(42L));
                from("direct:declared").to("iotmp-device:memory");
                from("direct:nosuch").to("iotmp-device:nosuch");
            }
        };
    }

    @Test
    void aStreamOnAnUndeclaredResourceIsSaidOncePerName() {
        try (StderrCapture stderr = StderrCapture.start()) {
            AtomicLong nosuch = stderr.count(line -> line.contains(UNDECLARED) && line.contains("'nosuch'"));
            AtomicLong any = stderr.count(line -> line.contains(UNDECLARED));
            for (int i = 0; i < 5; i++) {
                long value = i;
                Exchange sent = template.send("direct:nosuch", e -> e.getMessage().setBody(value));
                assertThat(sent.getException()).isNull();
                assertThat(sent.getMessage().getHeader(IotmpDeviceConstants.STREAMED, Boolean.class)).isFalse();
            }
            assertThat(nosuch).as("said once, not per exchange").hasValue(1);
            assertThat(connection().device().transportStats().undeclaredResourceStreams())
                    .as("but counted every time").isEqualTo(5);
            Exchange declared = template.send("direct:declared", e -> e.getMessage().setBody(1L));
            assertThat(declared.getMessage().getHeader(IotmpDeviceConstants.STREAMED, Boolean.class)).isFalse();
            assertThat(any).as("a declared resource with no stream open is no mistake").hasValue(1);
            assertThat(connection().device().transportStats().undeclaredResourceStreams()).isEqualTo(5);
        }
    }

    @Test
    void namesFromTheExchangeAreBoundedInNumberAndLength() {
        try (StderrCapture stderr = StderrCapture.start()) {
            AtomicLong lines = stderr.count(line -> line.contains(UNDECLARED));
            AtomicLong longLines = stderr.count(line -> line.contains(UNDECLARED) && line.length() > 800);
            for (int i = 0; i < 3 * IotmpDeviceProducer.MAX_UNDECLARED_WARNED; i++) {
                String target = "x".repeat(4096) + i;
                template.send("direct:nosuch", e -> e.getMessage().setHeader(IotmpDeviceConstants.TARGET, target));
            }
            assertThat(lines.get()).isEqualTo(IotmpDeviceProducer.MAX_UNDECLARED_WARNED);
            assertThat(longLines).hasValue(0);
        }
    }
}
