package io.cameliotmp.benchmarks.load;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The load generator, a process of its own: simulates N devices of one protocol ({@code protocol=iotmp|mqtt|coap})
 * on Netty, from source addresses 127.0.0.2 … 127.0.0.(1+sources). After connecting them it prints
 * {@code @CONNECTED} and obeys the orchestrator:
 * <pre>
 * go SECONDS        ingest: every device streams samples as fast as TCP lets it    → @SENT
 * hold SECONDS      keep the devices connected (keep-alives only)                 → @HELD
 * silence SECONDS   dead peers: stop sending anything, time until the server closes → @DEAD
 * stats             bytes sent and received so far                                 → @STATS
 * quit
 * </pre>
 */
public final class LoadGenerator {

    /** One protocol's simulated devices. */
    interface Sim {
        Map<String, Object> connect() throws Exception;

        Map<String, Object> go(double seconds) throws Exception;

        Map<String, Object> hold(double seconds) throws Exception;

        Map<String, Object> silence(double seconds) throws Exception;

        Map<String, Object> stats();

        void close();
    }

    private LoadGenerator() {
    }

    public static void main(String[] a) throws Exception {
        Args args = new Args(a);
        Proto.watchdog(args.lng("maxSeconds", 3600));
        Sim sim = switch (args.str("protocol", "iotmp")) {
            case "iotmp" -> new IotmpSim(args);
            case "mqtt" -> new MqttSim(args);
            case "coap" -> new CoapSim(args);
            default -> throw new IllegalArgumentException("protocol " + args.str("protocol", ""));
        };
        Map<String, Object> connected = new LinkedHashMap<>(args.asMap());
        connected.put("pid", ProcessHandle.current().pid());
        connected.putAll(sim.connect());
        Proto.emit("CONNECTED", connected);
        while (true) {
            String[] c = Proto.command().split("\\s+");
            switch (c[0]) {
                case "go" -> Proto.emit("SENT", sim.go(Double.parseDouble(c[1])));
                case "hold" -> Proto.emit("HELD", sim.hold(Double.parseDouble(c[1])));
                case "silence" -> Proto.emit("DEAD", sim.silence(Double.parseDouble(c[1])));
                case "stats" -> Proto.emit("STATS", sim.stats());
                case "quit" -> {
                    sim.close();
                    System.exit(0);
                }
                default -> System.err.println("unknown command " + String.join(" ", c));
            }
        }
    }

    static String sourceAddress(int device, int sources) {
        return "127.0.0." + (2 + device % sources);
    }
}
