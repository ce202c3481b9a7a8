package io.cameliotmp.benchmarks.load;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.camel.IotmpConfiguration;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.moquette.broker.security.IAuthenticator;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.coap.CoAPComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.elements.config.UdpConfig;

/**
 * The server under test, one per process: {@code system=camel} (camel-iotmp routes), {@code raw} (the plain Netty
 * IOTMP server), {@code mqtt} (embedded Moquette broker and Camel Paho routes) or {@code coap} (Camel CoAP routes).
 * Variants: {@code camel-io} is camel-iotmp with {@code workerThreads=0}, {@code camel-ioN} the same with
 * {@code ioThreads=N} (as many I/O threads as a worker pool would have), {@code camel-wN} with
 * {@code workerThreads=N}, {@code camel-batch} delivers the ingest stream in batches ({@code batchSize},
 * {@code batchTimeout}; the ingest scenario passes {@code maxInFlight} to every camel-iotmp system, 0 for the
 * component's default); {@code raw-decode} is the plain Netty server handing each sample, decoded into a record, to
 * a callback. The route's work per sample or call is {@code spinNanos} (busy CPU) and {@code parkNanos} (a blocking
 * wait, as for a database or a remote call).
 * It hosts the route that calls devices and the route that devices stream into, prints {@code @READY}, then obeys
 * the orchestrator's commands on standard input:
 * <pre>
 * mem                                full GC, then heap and RSS              → @MEM
 * rpc serial DEVICES WARMUP COUNT    serial calls through the route         → @RPC
 * rpc rate DEVICES RATE SECONDS WARMUP [JITQUIET [SETTLEHEAP [BURST]]]  open-loop calls at RATE per second → @RPC
 * window SECONDS                     samples counted at the route           → @WINDOW
 * count                              samples counted so far                  → @COUNT
 * quit
 * </pre>
 */
public final class ServerMain {

    static final String USER = "bench";
    static final String CREDENTIAL = "secret";
    /** The RUN input and the device's answer: the F23 sample. */
    static final Map<String, Object> INPUT;
    static final byte[] SAMPLE_JSON = "{\"temperature\":23.5,\"humidity\":60}".getBytes(StandardCharsets.US_ASCII);

    static {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("temperature", 23.5);
        m.put("humidity", 60L);
        INPUT = java.util.Collections.unmodifiableMap(m);
    }

    private final Args args;
    private final String system;
    private final String host;
    private final int port;
    private final long spinNanos;
    private final long parkNanos;
    private final int workerThreads;
    private final int ioThreads;
    /** camel-batch: samples per exchange, 0 for one exchange per sample. */
    private final int batchSize;
    private final boolean decode;
    private final LongAdder samples = new LongAdder();
    private volatile long sink;
    /** raw-decode: where each decoded sample goes, so that building it cannot be optimised away. */
    private RawIotmpServer.RawSample lastSample;
    private final Allocation allocation = new Allocation();
    private CamelContext camel;
    private RawIotmpServer raw;
    private Server broker;
    private RpcDriver.Caller caller;
    private final Map<Integer, RpcDriver.Done> mqttPending = new ConcurrentHashMap<>();
    private final AtomicInteger mqttIds = new AtomicInteger();

    private ServerMain(Args args) {
        this.args = args;
        String sys = args.str("system", "camel");
        this.system = sys.startsWith("camel") ? "camel" : sys.startsWith("raw") ? "raw" : sys;
        this.decode = sys.equals("raw-decode");
        this.batchSize = sys.equals("camel-batch") ? args.integer("batchSize", 1000) : 0;
        // camel-io: camel-iotmp with workerThreads=0 (sessions and routes on the I/O threads)
        if (sys.startsWith("camel-io")) {
            this.workerThreads = 0;
        } else if (sys.startsWith("camel-w")) {
            this.workerThreads = Integer.parseInt(sys.substring("camel-w".length()));
        } else {
            this.workerThreads = args.integer("workerThreads", 16);
        }
        // camel-ioN: N I/O threads (0, Netty's default, otherwise)
        this.ioThreads = sys.startsWith("camel-io") && sys.length() > "camel-io".length()
                ? Integer.parseInt(sys.substring("camel-io".length())) : args.integer("ioThreads", 0);
        this.host = args.str("host", "127.0.0.1");
        this.port = args.integer("port", 25204);
        this.spinNanos = args.lng("spinNanos", 0);
        this.parkNanos = args.lng("parkNanos", 0);
    }

    public static void main(String[] a) throws Exception {
        Args args = new Args(a);
        Proto.watchdog(args.lng("maxSeconds", 3600));
        ServerMain server = new ServerMain(args);
        server.start();
        Map<String, Object> ready = new LinkedHashMap<>(args.asMap());
        // what the server runs with: camel-io, camel-ioN and camel-wN override the thread arguments
        ready.put("workerThreads", server.workerThreads);
        ready.put("ioThreads", server.ioThreads);
        ready.put("pid", ProcessHandle.current().pid());
        ready.put("cpus", Runtime.getRuntime().availableProcessors());
        Proto.emit("READY", ready);
        server.loop();
        server.stop();
        System.exit(0);
    }

    private void start() throws Exception {
        boolean ingest = "ingest".equals(args.str("scenario", "rpc"));
        switch (system) {
            case "camel" -> startCamelIotmp(ingest);
            case "raw" -> {
                String resource = ingest ? "sample" : null;
                raw = decode ? RawIotmpServer.decoding(host, port, USER, CREDENTIAL, 60, resource, this::consume)
                        : RawIotmpServer.counting(host, port, USER, CREDENTIAL, 60, resource, this::count);
                raw.start();
                String[] names = deviceNames();
                caller = (d, done) -> raw.call(names[d], "echo", INPUT, done);
            }
            case "mqtt" -> startMqtt(ingest);
            case "coap" -> startCoap(ingest);
            default -> throw new IllegalArgumentException("system " + system);
        }
    }

    private String[] deviceNames() {
        String[] names = new String[args.integer("devices", 20000)];
        for (int i = 0; i < names.length; i++) {
            names[i] = "dev-" + i;
        }
        return names;
    }

    private void count() {
        samples.increment();
        work(1);
    }

    /** raw-decode's callback: keeps the sample where a consumer would (a plain field, no fence), and counts it. */
    private void consume(RawIotmpServer.RawSample sample) {
        lastSample = sample;
        count();
    }

    /** camel-batch: counts the samples of a batch; the route's work is per sample. */
    private void countBatch(List<?> batch) {
        samples.add(batch.size());
        work(batch.size());
    }

    /** The route's work for {@code n} samples or one call: busy CPU ({@code spinNanos}), then a blocking wait. */
    private void work(int n) {
        if (spinNanos > 0) {
            long end = System.nanoTime() + spinNanos * n;
            long x = 0;
            while (System.nanoTime() < end) {
                x++;
            }
            sink = x;
        }
        if (parkNanos > 0) {
            LockSupport.parkNanos(parkNanos * n);
        }
    }

    // ---- camel-iotmp

    private void startCamelIotmp(boolean ingest) throws Exception {
        camel = new DefaultCamelContext();
        IotmpComponent iotmp = new IotmpComponent();
        IotmpConfiguration conf = iotmp.getConfiguration();
        conf.setHost(host);
        conf.setPort(port);
        conf.setWorkerThreads(workerThreads);
        conf.setIoThreads(ioThreads);
        int maxInFlight = args.integer("maxInFlight", 0);
        if (maxInFlight > 0) { // 0 keeps the component's default
            conf.setMaxInFlight(maxInFlight);
        }
        conf.setDeviceCredentials(USER + "/*=" + CREDENTIAL);
        // every simulated device comes from the load generator's one address
        conf.setMaxConnectionsPerSecondPerAddress(0);
        camel.addComponent("iotmp", iotmp);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                var rpc = from("direct:rpc").routeId("rpc").to("iotmp:device:" + USER + "/dev-0/echo");
                if (ingest) {
                    String uri = "iotmp:device:" + USER + "/*/sample";
                    if (batchSize > 0) {
                        from(uri + "?batchSize=" + batchSize + "&batchTimeout=" + args.lng("batchTimeout", 100))
                                .routeId("ingest").process(e -> countBatch(e.getMessage().getBody(List.class)));
                    } else {
                        from(uri).routeId("ingest").process(e -> count());
                    }
                } else if (spinNanos > 0 || parkNanos > 0) {
                    // work after the device's answer: it runs on the thread that completed the call (a worker, or
                    // the I/O thread with workerThreads=0)
                    rpc.process(e -> work(1));
                }
            }
        });
        camel.start();
        String[] names = deviceNames();
        Endpoint direct = camel.getEndpoint("direct:rpc");
        AsyncProducer producer = direct.createAsyncProducer();
        producer.start();
        caller = (d, done) -> {
            Exchange ex = direct.createExchange();
            ex.getMessage().setBody(INPUT);
            ex.getMessage().setHeader("CamelIotmpDevice", names[d]);
            producer.process(ex, sync -> {
                if (ex.getException() != null) {
                    done.failed(ex.getException());
                } else {
                    done.ok();
                }
            });
        };
    }

    // ---- MQTT: Moquette + Camel Paho

    private void startMqtt(boolean ingest) throws Exception {
        Properties p = new Properties();
        p.setProperty("host", host);
        p.setProperty("port", String.valueOf(port));
        p.setProperty("allow_anonymous", "false");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("netty.epoll", "true");
        p.setProperty("immediate_buffer_flush", "true");
        p.setProperty("websocket_port", "disabled");
        p.setProperty("netty.so_backlog", "1024");
        broker = new Server();
        byte[] secret = CREDENTIAL.getBytes(StandardCharsets.UTF_8);
        IAuthenticator auth = (clientId, username, password) -> USER.equals(username)
                && java.security.MessageDigest.isEqual(secret, password);
        broker.startServer(new MemoryConfig(p), List.of(), null, auth, null);
        String url = "brokerUrl=tcp://" + host + ":" + port + "&userName=" + USER + "&password=" + CREDENTIAL
                     + "&qos=0&cleanSession=true";
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:rpc").routeId("rpc").to("paho:" + USER + "/req?" + url + "&clientId=camel-rpc-out");
                from("paho:" + USER + "/+/res?" + url + "&clientId=camel-rpc-in").routeId("rpc-reply")
                        .process(e -> {
                            RpcDriver.Done done = mqttPending.remove(idOf(e.getMessage().getBody(byte[].class)));
                            if (done != null) {
                                done.ok();
                            }
                        });
                if (ingest) {
                    from("paho:" + USER + "/+/sample?" + url + "&clientId=camel-ingest").routeId("ingest")
                            .process(e -> count());
                }
            }
        });
        camel.start();
        String[] topics = new String[args.integer("devices", 20000)];
        for (int i = 0; i < topics.length; i++) {
            topics[i] = USER + "/dev-" + i + "/req";
        }
        Endpoint direct = camel.getEndpoint("direct:rpc");
        AsyncProducer producer = direct.createAsyncProducer();
        producer.start();
        caller = (d, done) -> {
            int id = mqttIds.incrementAndGet() & 0x7FFFFFFF;
            mqttPending.put(id, done);
            Exchange ex = direct.createExchange();
            ex.getMessage().setBody(mqttRequest(id));
            ex.getMessage().setHeader("CamelPahoOverrideTopic", topics[d]);
            producer.process(ex, sync -> {
                if (ex.getException() != null && mqttPending.remove(id) != null) {
                    done.failed(ex.getException());
                }
            });
        };
    }

    /** {"id":N,"temperature":23.5,"humidity":60}: request/reply over topics needs the correlation id in the body. */
    static byte[] mqttRequest(int id) {
        return ("{\"id\":" + id + ",\"temperature\":23.5,\"humidity\":60}").getBytes(StandardCharsets.US_ASCII);
    }

    static int idOf(byte[] body) {
        int v = 0;
        for (int i = 6; i < body.length && body[i] >= '0' && body[i] <= '9'; i++) {
            v = v * 10 + (body[i] - '0');
        }
        return v;
    }

    // ---- CoAP: Camel CoAP (Californium)

    private void startCoap(boolean ingest) throws Exception {
        camel = new DefaultCamelContext();
        // without message-id tracking: see coap-benchmark.properties; a file needs the modules it sets registered
        CoapConfig.register();
        UdpConfig.register();
        camel.getComponent("coap", CoAPComponent.class).setConfigurationFile("classpath:coap-benchmark.properties");
        int devicePort = args.integer("devicePort", 27000);
        int sources = args.integer("sources", 10);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:rpc").routeId("rpc").toD("coap://${header.target}/echo");
                if (ingest) {
                    from("coap://" + host + ":" + port + "/" + USER + "/sample?coapMethodRestrict=POST")
                            .routeId("ingest").process(e -> {
                                count();
                                e.getMessage().setBody(null);
                            });
                }
            }
        });
        camel.start();
        int n = args.integer("devices", 20000);
        String[] targets = new String[n];
        for (int i = 0; i < n; i++) {
            targets[i] = CoapSim.address(i, sources) + ":" + (devicePort + i);
        }
        ProducerTemplate template = camel.createProducerTemplate();
        ExecutorService pool = Executors.newFixedThreadPool(args.integer("coapCallers", 32));
        caller = (d, done) -> pool.execute(() -> {
            Exchange ex = template.request("direct:rpc", e -> {
                e.getMessage().setBody(SAMPLE_JSON);
                e.getMessage().setHeader("target", targets[d]);
                e.getMessage().setHeader("CamelCoapMethod", "POST");
            });
            if (ex.getException() != null) {
                done.failed(ex.getException());
            } else {
                done.ok();
            }
        });
    }

    // ---- commands

    private void loop() throws Exception {
        while (true) {
            String line = Proto.command();
            String[] c = line.split("\\s+");
            switch (c[0]) {
                case "mem" -> Proto.emit("MEM", Mem.afterFullGc());
                case "rpc" -> {
                    Map<String, Object> r;
                    if ("serial".equals(c[1])) {
                        r = RpcDriver.serial(caller, Integer.parseInt(c[2]), Integer.parseInt(c[3]),
                                Integer.parseInt(c[4]), 120, c.length > 5 ? Long.parseLong(c[5]) : 0);
                    } else {
                        r = RpcDriver.openLoop(caller, Integer.parseInt(c[2]), Double.parseDouble(c[3]),
                                Double.parseDouble(c[4]), Double.parseDouble(c[5]), 15,
                                c.length > 6 ? Long.parseLong(c[6]) : 0, c.length > 7 && Boolean.parseBoolean(c[7]),
                                c.length > 8 ? Integer.parseInt(c[8]) : 0);
                    }
                    Proto.emit("RPC", r);
                }
                case "window" -> Proto.emit("WINDOW", window(Double.parseDouble(c[1])));
                case "count" -> {
                    // the server's counters first, the route's count after them: a sample read and delivered while
                    // this snapshot is taken is then in both, never in the counters only, where the orchestrator's
                    // "lost" (read - counted - in flight) would count it while the route is still draining
                    Map<String, Object> counters = sessionCounters();
                    Map<String, Object> m = Proto.map("samples", samples.sum());
                    m.putAll(counters);
                    Proto.emit("COUNT", m);
                }
                case "quit" -> {
                    return;
                }
                default -> System.err.println("unknown command: " + line);
            }
        }
    }

    /**
     * camel-iotmp's own per-session counters summed over the connected devices (samples read, samples dropped by
     * the backpressure policy, reading paused), and the times reading paused since the server started. The component
     * keeps its server manager to itself: reached by reflection, for this probe only.
     */
    private Map<String, Object> sessionCounters() {
        if (camel == null || !"camel".equals(system)) {
            return Map.of();
        }
        try {
            IotmpComponent component = camel.getComponent("iotmp", IotmpComponent.class);
            java.lang.reflect.Field f = IotmpComponent.class.getDeclaredField("servers");
            f.setAccessible(true);
            io.cameliotmp.server.IotmpServer server = ((io.cameliotmp.server.IotmpServerManager) f.get(component))
                    .find(host, port);
            long in = 0;
            long dropped = 0;
            long paused = 0;
            long inFlight = 0;
            for (io.cameliotmp.server.DeviceConnection s : server.registry().sessions()) {
                io.cameliotmp.server.SessionCounters c = s.counters();
                in += c.samplesIn();
                dropped += c.samplesDropped();
                inFlight += c.inFlight();
                paused += c.readingPaused() ? 1 : 0;
            }
            return Proto.map("serverSamplesIn", in, "serverSamplesDropped", dropped, "serverInFlight", inFlight,
                    "sessionsPaused", paused, "readingPauses", server.totals().readingPauses());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Proto.map("countersError", String.valueOf(e));
        }
    }

    /**
     * Samples counted at the route during a window, the heap sampled every 50 ms meanwhile, and what the process
     * allocated and spent in CPU time during it.
     */
    private Map<String, Object> window(double seconds) throws InterruptedException {
        allocation.start();
        long c0 = samples.sum();
        long t0 = System.nanoTime();
        long end = t0 + (long) (seconds * 1e9);
        long maxHeap = 0;
        while (System.nanoTime() < end) {
            maxHeap = Math.max(maxHeap, Mem.heapUsedNow());
            Thread.sleep(50);
        }
        long c1 = samples.sum();
        double s = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = Proto.map("samples", c1 - c0, "seconds", s, "rate", (c1 - c0) / s, "maxHeapUsed",
                maxHeap, "total", c1);
        m.putAll(allocation.end());
        return m;
    }

    private void stop() {
        try {
            if (camel != null) {
                camel.stop();
            }
            if (raw != null) {
                raw.stop();
            }
            if (broker != null) {
                broker.stopServer();
            }
        } catch (Exception e) {
            System.err.println("stop: " + e);
        }
    }
}
