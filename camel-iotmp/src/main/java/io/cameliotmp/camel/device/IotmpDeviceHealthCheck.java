package io.cameliotmp.camel.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cameliotmp.camel.IotmpHealthCheckSupport;
import io.cameliotmp.protocol.PsonValues;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Readiness of the component's device connections: DOWN while any of them is not connected (not yet, lost, or refused
 * by the server), with each connection's state as details. Not a liveness check: a device that cannot reach its
 * server is not cured by restarting the application. Registered only when the context has a health check registry.
 */
final class IotmpDeviceHealthCheck extends IotmpHealthCheckSupport {

    private final DeviceConnections connections;

    IotmpDeviceHealthCheck(DeviceConnections connections) {
        super("iotmp-device");
        this.connections = connections;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    public Result call(Map<String, Object> options) {
        HealthCheckResultBuilder builder = HealthCheckResultBuilder.on(this).up();
        List<SharedDevice> devices = connections.all();
        List<String> down = new ArrayList<>();
        builder.detail("devices", devices.size());
        for (SharedDevice device : devices) {
            String name = device.settings().key().toString();
            if (device.device().isConnected()) {
                builder.detail(name, "connected");
                continue;
            }
            Throwable why = device.lastFailure();
            String state = !device.isStarted() ? "not started yet"
                    : why != null ? "disconnected: " + describe(why) : "disconnected";
            builder.detail(name, state);
            down.add(name + " " + state);
        }
        if (!down.isEmpty()) {
            builder.down().message("IOTMP device connection not connected: " + String.join("; ", down));
        }
        return builder.build();
    }

    /**
     * A failure as the check shows it. Its peer writes part of the text (Netty's NotSslRecordException is a hex dump
     * of every byte received, a certificate's names come from its subject), and readiness probes, actuator JSON and
     * consoles show it: at most 256 characters, control characters escaped; the class for a failure without message.
     */
    static String describe(Throwable why) {
        String message = why.getMessage();
        return PsonValues.text(message != null ? message : why.getClass().getName());
    }
}
