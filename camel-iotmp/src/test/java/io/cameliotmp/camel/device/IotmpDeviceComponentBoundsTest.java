package io.cameliotmp.camel.device;

import java.time.Duration;

import io.cameliotmp.device.DeviceClientConfig;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The device's bounds against its server are options of the component and its endpoints, shared per connection. */
class IotmpDeviceComponentBoundsTest extends IotmpDeviceTestSupport {

    @Override
    protected void configureDevice(IotmpDeviceConfiguration device) {
        device.setMaxPendingWriteBytes(65_536);
        device.setServerSilenceTimeout(45_000L);
        device.setMaxDecodedFrameBytes(1_000_000);
        device.setMaxHandlersInFlight(8);
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:events").to("mock:server"); // starts the server
                from("iotmp-device:load?maxServerStreams=3&minStreamInterval=250").setBody(constant(1));
            }
        };
    }

    @Test
    void theOptionsReachTheDeviceClient() {
        DeviceClientConfig config = connection().device().config();
        assertThat(config.maxPendingWriteBytes()).isEqualTo(65_536);
        assertThat(config.serverSilenceTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(config.maxDecodedFrameBytes()).isEqualTo(1_000_000);
        assertThat(config.maxHandlersInFlight()).isEqualTo(8);
        assertThat(config.maxServerStreams()).isEqualTo(3);
        assertThat(config.minStreamInterval()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void endpointsOfOneConnectionMustAgreeOnThem() {
        assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp-device:other?maxServerStreams=4&minStreamInterval=250").setBody(constant(2));
            }
        })).hasStackTraceContaining("other values of [maxServerStreams]");
    }

    /**
     * A value the device client refuses fails the endpoint, as a missing option does, rather than the route's start
     * (or, for a lazy producer, its first message), after the connection's thread pool was made.
     */
    @Test
    void valuesTheDeviceClientRefusesFailTheEndpoint() {
        for (String option : new String[] { "maxHandlersInFlight=0", "maxServerStreams=-1", "requestTimeout=0",
                "connectTimeout=0", "keepAlive=-1", "maxPendingWriteBytes=0", "minStreamInterval=0", "port=70000",
                "serverSilenceTimeout=-1", "reconnectBackoffInitial=0" }) {
            String name = option.substring(0, option.indexOf('='));
            assertThatThrownBy(() -> context.getEndpoint("iotmp-device:x?" + option)).as(option)
                    .hasStackTraceContaining(name);
        }
    }

    /**
     * keepAlive is in milliseconds where the server's is in seconds: keepAlive=60 as the server reads it sent a
     * KEEP_ALIVE every 60 ms. Below a second it fails the endpoint, saying how to write seconds.
     */
    @Test
    void aKeepAliveBelowASecondIsRefusedAsMostLikelySeconds() {
        assertThatThrownBy(() -> context.getEndpoint("iotmp-device:x?keepAlive=60"))
                .hasStackTraceContaining("iotmp-device option keepAlive: is in milliseconds")
                .hasStackTraceContaining("write 60s or 60000");
        assertThat(context.getEndpoint("iotmp-device:y?keepAlive=1s")).isNotNull();
        assertThat(context.getEndpoint("iotmp-device:z?keepAlive=0")).isNotNull();
    }

    @Test
    void withoutTheOptionTheSilenceTimeoutFollowsKeepAliveAndRequestTimeout() {
        IotmpDeviceConfiguration defaults = new IotmpDeviceConfiguration();
        assertThat(defaults.getServerSilenceTimeout()).isNull();
        assertThat(defaults.getMaxHandlersInFlight()).isEqualTo(64);
        assertThat(defaults.getMinStreamInterval()).isEqualTo(100);
    }
}
