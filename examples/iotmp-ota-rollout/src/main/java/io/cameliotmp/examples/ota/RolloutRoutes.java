package io.cameliotmp.examples.ota;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

import io.cameliotmp.camel.IotmpConstants;
import io.cameliotmp.server.ota.FirmwareUpdateException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.util.json.Jsoner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls a firmware image out to a fleet: an image dropped into {@code rollout.dir} (or sent to
 * {@code direct:rollout} as a file) goes to the canary first, then to waves of devices, at most
 * {@code rollout.concurrency} at a time (a wave is updated in batches of that size), and the rollout stops before the
 * next batch once the canary or more devices than allowed failed. The report,
 * one entry per device, is logged and written to {@code rollout.reports} as JSON.
 */
public class RolloutRoutes extends RouteBuilder {

    static final String ROLLOUT = "rollout";
    static final String IMAGE = "image";
    static final String WAVE = "wave";
    private static final Logger LOG = LoggerFactory.getLogger(RolloutRoutes.class);

    @Override
    public void configure() throws Exception {
        int concurrency = Integer.parseInt(setting("rollout.concurrency"));
        int simulated = Integer.parseInt(setting("simulate.devices"));
        if (simulated > 0) {
            getCamelContext().addService(new SimulatedFleet("127.0.0.1", Integer.parseInt(
                    setting("camel.component.iotmp.port")), setting("rollout.user"),
                    setting("simulate.credential"), simulated));
        }
        ExecutorService updates = getCamelContext().getExecutorServiceManager()
                .newFixedThreadPool(this, "rollout-updates", concurrency);

        // noop keeps the image where it was dropped, and makes the consumer remember what it took; by name alone it
        // would never take an image dropped again under the same name (the README's second rollout), so by name,
        // size and modification time
        from("file:{{rollout.dir}}?include=.*\\.bin&noop=true&readLock=changed"
             + "&idempotentKey=${file:name}-${file:size}-${file:modified}").routeId("firmware-dropped")
                .log("New image ${header.CamelFileName}: rolling it out")
                .process(e -> e.getMessage().setBody(e.getMessage().getBody(File.class)))
                .to("direct:rollout")
                .process(e -> e.getMessage().setBody(Jsoner.prettyPrint(Jsoner.serialize(e.getMessage().getBody()))))
                .setHeader(Exchange.FILE_NAME, simple("rollout-${file:onlyname.noext.single}.json"))
                // written under a temporary name, then renamed: whoever watches the folder never reads half a report
                .to("file:{{rollout.reports}}?tempPrefix=.writing-");

        from("direct:rollout").routeId("rollout")
                .setProperty(IMAGE, body())
                .to("iotmp:device:{{rollout.user}}?operation=devices")
                .process(this::plan)
                .split(body()) // the waves, canary first, one after the other
                    .setProperty(WAVE, exchangeProperty(Exchange.SPLIT_INDEX))
                    .choice()
                        .when(e -> rollout(e).isStopped())
                            .process(e -> rollout(e).skip(devices(e)))
                        .otherwise()
                            .log("Wave ${exchangeProperty." + WAVE + "}: ${body}")
                            .process(e -> e.getMessage().setBody(batches(devices(e), concurrency)))
                            .split(body()) // batches of at most `concurrency` devices, one after the other
                                .choice()
                                    .when(e -> rollout(e).isStopped())
                                        .process(e -> rollout(e).skip(devices(e)))
                                    .otherwise()
                                        .split(body()).parallelProcessing().executorService(updates)
                                            .to("direct:update-device")
                                        .end()
                                        .process(e -> rollout(e).batchDone(e.getProperty(WAVE, Integer.class)))
                                .end()
                            .end()
                    .end()
                .end()
                .process(e -> e.getMessage().setBody(rollout(e).summary()))
                .process(e -> LOG.info("Rollout of {}: {} succeeded, {} failed, {} skipped{}",
                        summary(e).get("image"), summary(e).get("succeeded"), summary(e).get("failed"),
                        summary(e).get("skipped"), summary(e).containsKey("stopReason")
                                ? ", stopped: " + summary(e).get("stopReason") : ""));

        from("direct:update-device").routeId("update-device")
                .setHeader(IotmpConstants.DEVICE, body())
                .setBody(exchangeProperty(IMAGE))
                .doTry()
                    .to("iotmp:device:{{rollout.user}}?operation=firmwareUpdate"
                        + "&firmwareRebootTimeout={{rollout.reboot-timeout}}")
                    .process(e -> rollout(e).record(e.getMessage().getBody(Map.class)))
                    .process(e -> LOG.info("{}: {}, version {}", e.getMessage().getHeader(IotmpConstants.DEVICE),
                            summary(e).get("outcome"), summary(e).get("version")))
                .doCatch(FirmwareUpdateException.class)
                    .process(e -> rollout(e).record(e.getProperty(Exchange.EXCEPTION_CAUGHT,
                            FirmwareUpdateException.class).report().toMap()))
                    .log("${header." + IotmpConstants.DEVICE + "}: failed, ${exception.message}")
                .doCatch(Exception.class)
                    .process(this::recordUnexpected)
                .end();
    }

    @SuppressWarnings("unchecked")
    private static List<String> devices(Exchange exchange) {
        return exchange.getMessage().getBody(List.class);
    }

    /** The devices in groups of at most {@code size}: each group is updated at once, the groups one by one. */
    static List<List<String>> batches(List<String> devices, int size) {
        List<List<String>> batches = new ArrayList<>();
        for (int i = 0; i < devices.size(); i += size) {
            batches.add(List.copyOf(devices.subList(i, Math.min(devices.size(), i + size))));
        }
        return batches;
    }

    /** Which devices, in which waves: the listed ones, or every connected device of the user, sorted by id. */
    @SuppressWarnings("unchecked")
    private void plan(Exchange exchange) {
        String listed = setting("rollout.devices").trim();
        List<String> devices = listed.isEmpty()
                ? ((List<Map<String, Object>>) exchange.getMessage().getBody(List.class)).stream()
                        .map(d -> (String) d.get("device")).sorted(Comparator.naturalOrder()).toList()
                : Arrays.stream(listed.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        Object image = exchange.getProperty(IMAGE);
        String name = image instanceof File file ? file.getName() : String.valueOf(image);
        Rollout rollout = Rollout.plan(name, devices, Integer.parseInt(setting("rollout.canary")),
                Integer.parseInt(setting("rollout.wave-size")), Integer.parseInt(setting("rollout.max-failures")));
        exchange.setProperty(ROLLOUT, rollout);
        exchange.getMessage().setBody(rollout.waves());
    }

    private void recordUnexpected(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Map<String, Object> failed = new LinkedHashMap<>();
        failed.put("device", exchange.getMessage().getHeader(IotmpConstants.DEVICE));
        failed.put("outcome", "FAILED");
        failed.put("success", false);
        failed.put("error", e.toString());
        rollout(exchange).record(failed);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> summary(Exchange exchange) {
        return exchange.getMessage().getBody(Map.class);
    }

    private static Rollout rollout(Exchange exchange) {
        return exchange.getProperty(ROLLOUT, Rollout.class);
    }

    private String setting(String key) {
        return getCamelContext().getPropertiesComponent().resolveProperty(key).orElse("");
    }
}
