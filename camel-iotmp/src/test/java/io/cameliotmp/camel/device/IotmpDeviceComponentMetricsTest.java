package io.cameliotmp.camel.device;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.BindToRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/** The device connection's meters: connected state and connection events, found through the one MeterRegistry. */
class IotmpDeviceComponentMetricsTest extends IotmpDeviceTestSupport {

    @BindToRegistry("meters")
    private final MeterRegistry meters = new SimpleMeterRegistry();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:events").to("mock:server"); // starts the server
                from("iotmp-device:load").setBody(constant(1));
                from("iotmp-device:load?device=intruder&credential=wrong").setBody(constant(2));
            }
        };
    }

    private double connections(String device, String event) {
        return meters.find("iotmp.device.connections").tags("device", device, "event", event).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    @Test
    void theConnectionIsMeasured() {
        eventually().until(() -> meters.find("iotmp.device.connected").tags("device", DEVICE).gauge() != null
                                 && meters.get("iotmp.device.connected").tags("device", DEVICE).gauge().value() == 1);
        // the listeners run on the device's handler thread, right after the state changed
        eventually().until(() -> connections(DEVICE, "connected") == 1);
        eventually().until(() -> connections("intruder", "refused") >= 1);
        assertThat(meters.get("iotmp.device.connected").tags("device", "intruder").gauge().value()).isZero();

        // the transport bounds' counters: the device closed nothing itself
        assertThat(meters.get("iotmp.device.transport.closes").tags("device", DEVICE, "cause", "stopped-reading")
                .functionCounter().count()).isZero();
        assertThat(meters.get("iotmp.device.transport.closes").tags("device", DEVICE, "cause", "silent")
                .functionCounter().count()).isZero();
        assertThat(meters.get("iotmp.device.transport.closes").tags("device", DEVICE, "cause", "unreadable-frame")
                .functionCounter().count()).isZero();
        assertThat(meters.get("iotmp.device.frames.malformed").tags("device", DEVICE).functionCounter().count())
                .isZero();
        // a stream on a resource no route declares goes nowhere: counted, a declared one without streams is not
        assertThat(connection().device().stream("nosuch")).isFalse();
        assertThat(connection().device().stream("load")).isFalse();
        assertThat(meters.get("iotmp.device.streams.undeclared").tags("device", DEVICE).functionCounter().count())
                .isEqualTo(1);

        connection().device().faults().dropConnection();
        eventually().until(() -> connections(DEVICE, "disconnected") >= 1 && connections(DEVICE, "connected") >= 2);

        context.stop();
        assertThat(meters.find("iotmp.device.connected").gauges()).as("removed with the connection").isEmpty();
        assertThat(meters.find("iotmp.device.transport.closes").functionCounters()).isEmpty();
        assertThat(meters.find("iotmp.device.frames.malformed").functionCounters()).isEmpty();
        assertThat(meters.find("iotmp.device.streams.undeclared").functionCounters()).isEmpty();
    }
}
