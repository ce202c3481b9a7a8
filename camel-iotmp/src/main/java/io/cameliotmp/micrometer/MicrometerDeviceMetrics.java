package io.cameliotmp.micrometer;

import java.util.List;

import io.cameliotmp.device.DeviceTransportStats;
import io.cameliotmp.device.IotmpDevice;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * Micrometer meters of one device connection of the {@code iotmp-device} component, tagged with its user, device
 * and server:
 * <ul>
 * <li>{@code iotmp.device.connected} (gauge): 1 while the server has accepted the device, else 0;</li>
 * <li>{@code iotmp.device.connections} (counter, {@code event}): connected, disconnected, refused by the server;</li>
 * <li>{@code iotmp.device.transport.closes} (counter, {@code cause}): connections the device closed for a server
 * that stopped reading ({@code stopped-reading}), fell silent ({@code silent}) or sent a frame too large or too slow
 * to read ({@code unreadable-frame});</li>
 * <li>{@code iotmp.device.frames.malformed} (counter): frames of the server that did not decode (and were
 * dropped);</li>
 * <li>{@code iotmp.device.handlers.in.flight} (gauge): handler runs and callbacks on the device's executor, not
 * finished yet; at its limit the device stops reading from the server;</li>
 * <li>{@code iotmp.device.streams.refused} (counter): streams the server asked for beyond {@code maxServerStreams},
 * refused;</li>
 * <li>{@code iotmp.device.streams.undeclared} (counter): values the application streamed on a resource the device
 * does not declare, which go nowhere.</li>
 * </ul>
 */
public final class MicrometerDeviceMetrics implements AutoCloseable {

    private static final String CONNECTIONS = "Connection events of the device by kind: connected, disconnected, "
                                              + "refused by the server";

    private final MeterRegistry registry;
    private final List<Meter> meters;

    private MicrometerDeviceMetrics(MeterRegistry registry, IotmpDevice device) {
        this.registry = registry;
        Tags tags = Tags.of("user", device.user(), "device", device.deviceId(), "server",
                device.host() + ":" + device.port());
        Counter connected = counter(registry, tags, "connected");
        Counter disconnected = counter(registry, tags, "disconnected");
        Counter refused = counter(registry, tags, "refused");
        Gauge state = Gauge.builder("iotmp.device.connected", device, d -> d.isConnected() ? 1 : 0).tags(tags)
                .description("1 while the server has accepted the device, else 0").register(registry);
        Gauge handlers = Gauge.builder("iotmp.device.handlers.in.flight", device.transportStats(),
                DeviceTransportStats::handlersInFlight)
                .tags(tags).description("Handler runs and callbacks on the device's executor, not finished yet")
                .register(registry);
        FunctionCounter streamsRefused = FunctionCounter.builder("iotmp.device.streams.refused",
                device.transportStats(), DeviceTransportStats::serverStreamsRefused).tags(tags)
                .description("Streams the server asked for and the device refused, having the most it allows open")
                .register(registry);
        FunctionCounter undeclared = FunctionCounter.builder("iotmp.device.streams.undeclared",
                device.transportStats(), DeviceTransportStats::undeclaredResourceStreams).tags(tags)
                .description("Values the application streamed on a resource the device does not declare, sent nowhere")
                .register(registry);
        device.onConnected(connected::increment);
        device.onDisconnected(disconnected::increment);
        device.onRefused(refusal -> refused.increment());
        DeviceTransportStats transport = device.transportStats();
        FunctionCounter stoppedReading = transportCloses(registry, tags, transport, "stopped-reading",
                DeviceTransportStats::serverStoppedReadingCloses);
        FunctionCounter silent = transportCloses(registry, tags, transport, "silent",
                DeviceTransportStats::serverSilenceCloses);
        FunctionCounter unreadable = transportCloses(registry, tags, transport, "unreadable-frame",
                DeviceTransportStats::unreadableFrameCloses);
        FunctionCounter malformed = FunctionCounter.builder("iotmp.device.frames.malformed", transport,
                DeviceTransportStats::malformedFrames).tags(tags)
                .description("Frames of the server that did not decode, dropped").register(registry);
        this.meters = List.of(connected, disconnected, refused, state, stoppedReading, silent, unreadable, malformed,
                handlers, streamsRefused, undeclared);
    }

    /** Registers the meters of {@code device}; close to remove them, with the device. */
    public static MicrometerDeviceMetrics bind(MeterRegistry registry, IotmpDevice device) {
        return new MicrometerDeviceMetrics(registry, device);
    }

    private static Counter counter(MeterRegistry registry, Tags tags, String event) {
        return Counter.builder("iotmp.device.connections").tags(tags).tag("event", event).description(CONNECTIONS)
                .register(registry);
    }

    private static FunctionCounter transportCloses(MeterRegistry registry, Tags tags, DeviceTransportStats transport,
                                                   String cause,
                                                   java.util.function.ToDoubleFunction<DeviceTransportStats> count) {
        return FunctionCounter.builder("iotmp.device.transport.closes", transport, count).tags(tags).tag("cause", cause)
                .description("Connections the device closed because the server stopped reading, fell silent or sent"
                             + " an unreadable frame")
                .register(registry);
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
    }
}
