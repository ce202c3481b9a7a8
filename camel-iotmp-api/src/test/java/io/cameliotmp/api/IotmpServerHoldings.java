package io.cameliotmp.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cameliotmp.camel.IotmpDevConsole;
import org.apache.camel.CamelContext;
import org.apache.camel.console.DevConsole;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;

/**
 * What the IOTMP servers of a Camel context hold for their devices, as the iotmp dev console shows it: the streams
 * open on each device's connection, the subscriptions (the streams' consumers) to devices' resources, and the requests
 * waiting for a device's answer. Tests of clients that leave expect it empty once they are gone.
 */
final class IotmpServerHoldings {

    private IotmpServerHoldings() {
    }

    /** Every open stream and subscription, and a line for each device with requests waiting; empty when none. */
    @SuppressWarnings("unchecked")
    static List<Object> of(CamelContext camel) {
        IotmpDevConsole console = new IotmpDevConsole();
        console.setCamelContext(camel);
        JsonObject root = (JsonObject) console.call(DevConsole.MediaType.JSON, Map.of());
        List<Object> held = new ArrayList<>();
        for (Object server : (JsonArray) root.get("servers")) {
            held.addAll((JsonArray) ((JsonObject) server).get("subscriptions"));
            for (Object user : (JsonArray) ((JsonObject) server).get("users")) {
                for (Object device : (JsonArray) ((JsonObject) user).get("devices")) {
                    Object open = ((JsonObject) device).get("streams");
                    held.addAll(open == null ? List.of("streams not known: " + device) : (List<Object>) open);
                    Object pending = ((JsonObject) device).get("pendingRequests");
                    if (!(pending instanceof Number count && count.intValue() == 0)) {
                        held.add("pending requests: " + pending);
                    }
                }
            }
        }
        return held;
    }
}
