package io.cameliotmp.camel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cameliotmp.server.DeviceConnection;
import io.cameliotmp.server.DeviceFilter;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.DirectoryEntry;

/** The producer operations answered from the server's registry of connected devices: {@code devices}, {@code status}.
 * */
final class RegistryOperations {

    private RegistryOperations() {
    }

    /**
     * The connected devices of the user (all users for {@code *} or none), sorted by id; in a cluster those
     * connected to any member.
     */
    static List<Map<String, Object>> devices(DeviceOperation call) {
        String user = call.user();
        String of = user == null || DeviceFilter.ANY.equals(user) ? null : user;
        return call.server().devices(of).stream()
                .map(entry -> describe(entry.registration())).toList();
    }

    /**
     * The device's registration as {@link #describe} has it, plus its connection's session number and counters
     * (in flight, frames, samples, bytes); {@code connected: false} when it is offline.
     */
    static Map<String, Object> status(DeviceOperation call) {
        DeviceId device = call.requireDevice();
        return call.server().registry().session(device)
                .filter(connection -> connection.registration() != null)
                .map(RegistryOperations::status)
                .orElseGet(() -> call.server().locate(device)
                        .map(RegistryOperations::remoteStatus)
                        .orElseGet(() -> offline(device)));
    }

    /** A device connected to another member of the cluster: its registration there, and which member. */
    private static Map<String, Object> remoteStatus(DirectoryEntry entry) {
        Map<String, Object> status = describe(entry.registration());
        status.put("session", entry.sessionNumber());
        status.put("member", entry.member());
        return status;
    }

    private static Map<String, Object> status(DeviceConnection connection) {
        Map<String, Object> status = describe(connection.registration());
        status.put("session", connection.registration().sessionNumber());
        ServerViews.putCounters(status, connection.counters());
        return status;
    }

    /** A registration as a JSON-friendly map, the shape of {@code devices} and {@code status} answers. */
    static Map<String, Object> describe(DeviceRegistration registration) {
        Map<String, Object> device = new LinkedHashMap<>();
        device.put("user", registration.user());
        device.put("device", registration.device());
        device.put("connected", true);
        device.put("connectedAt", registration.connectedAt().toString());
        device.put("remoteAddress", String.valueOf(registration.remoteAddress()));
        device.put("generation", registration.generation().name());
        device.put("keepAlive", registration.keepAliveSeconds());
        return device;
    }

    private static Map<String, Object> offline(DeviceId id) {
        Map<String, Object> device = new LinkedHashMap<>();
        device.put("user", id.user());
        device.put("device", id.device());
        device.put("connected", false);
        return device;
    }
}
