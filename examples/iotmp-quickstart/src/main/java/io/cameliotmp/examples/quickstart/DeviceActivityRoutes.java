package io.cameliotmp.examples.quickstart;

import java.util.concurrent.TimeUnit;

import io.cameliotmp.api.ApiError;
import io.cameliotmp.api.StreamRefusals;
import io.cameliotmp.camel.IotmpConstants;
import io.cameliotmp.protocol.PsonValues;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.IotmpRequestException;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Logs what the devices do: the temperature samples devices of user {@code demo} stream, bucket writes, and connects,
 * disconnects and refused connections. Devices, not the application, decide how often each happens, so each kind has
 * a budget of lines per second ({@code quickstart.device-event-log-rate}; what is beyond it is counted in one summary
 * line) and a value is cut to {@value #VALUE_PREVIEW_CHARS} characters: a device writing a bucket as fast as the
 * server reads, with values of a frame's size, decides neither how fast the log grows nor how long its lines are.
 */
@Component
public class DeviceActivityRoutes extends RouteBuilder {

    private static final String DEVICE_EVENT =
            "${header.CamelIotmpEventType}: ${header.CamelIotmpUser}/${header.CamelIotmpDevice}"
            + " from ${header.CamelIotmpRemoteAddress}";

    private static final String TEMPERATURE = "temperature";

    /** The most characters of a device's value a line shows. */
    static final int VALUE_PREVIEW_CHARS = 200;

    /** The exchange property the routes log a value's preview from. */
    private static final String PREVIEW = "quickstartValuePreview";

    private static final Logger LOG = LoggerFactory.getLogger(DeviceActivityRoutes.class);

    private final StreamRefusals refusals;
    private final LogBudget sampleLines;
    private final LogBudget bucketLines;
    private final LogBudget deviceEventLines;

    public DeviceActivityRoutes(StreamRefusals refusals,
                                @Value("${quickstart.device-event-log-rate:20}") int deviceEventLogRate) {
        this.refusals = refusals;
        this.sampleLines = new LogBudget(deviceEventLogRate);
        this.bucketLines = new LogBudget(deviceEventLogRate);
        this.deviceEventLines = new LogBudget(deviceEventLogRate);
    }

    @Override
    public void configure() {
        // A device without a temperature resource refuses the stream; with bridgeErrorHandler that refusal comes here
        // rather than as a warning with a stack trace from the consumer. This route stays subscribed, so the refused
        // stream stays refused for the device's connection: SSE clients of it are told so (StreamRefusals).
        onException(IotmpRequestException.class)
                .handled(true)
                .process(this::temperatureRefused)
                // one per connection of a device without the resource: the connects' budget, and a device's text cut
                .filter(method(deviceEventLines, "admit"))
                .log(LoggingLevel.INFO, "no temperature stream: ${exchangeProperty." + PREVIEW + "}");

        // On change: every sample a device streams (sim-1 streams a reading every 2 s), not a periodic poll.
        from("iotmp:device:demo/*/" + TEMPERATURE + "?bridgeErrorHandler=true")
                .routeId("log-temperatures")
                .process(exchange -> summariseSuppressed(sampleLines, "temperature samples"))
                .filter(method(sampleLines, "admit"))
                .process(DeviceActivityRoutes::preview)
                .log("temperature of ${header.CamelIotmpUser}/${header.CamelIotmpDevice}: ${exchangeProperty."
                     + PREVIEW + "}");

        // Bucket writes (thing.write_bucket, or every minute from the iotmp-gateway example): a real application would
        // store them; logged here, they are answered OK rather than ERROR 404 for a bucket nobody handles.
        from("iotmp:service:bucket/*")
                .routeId("log-bucket-writes")
                .process(exchange -> summariseSuppressed(bucketLines, "bucket writes"))
                .filter(method(bucketLines, "admit"))
                .process(DeviceActivityRoutes::preview)
                .log("bucket ${header.CamelIotmpResource} from ${header.CamelIotmpUser}/${header.CamelIotmpDevice}:"
                     + " ${exchangeProperty." + PREVIEW + "}");

        // The counts are also written when no further event comes: a flood that stopped would otherwise keep its
        // count until the next event of its kind, for ever if there is none.
        from("timer:quickstart-log-budget?period=" + TimeUnit.SECONDS.toMillis(LogBudget.SUMMARY_INTERVAL_SECONDS))
                .routeId("log-suppressed-counts")
                .process(exchange -> {
                    summariseSuppressed(sampleLines, "temperature samples");
                    summariseSuppressed(bucketLines, "bucket writes");
                    summariseSuppressed(deviceEventLines, "device events");
                });

        // devices decide how often they connect: the lines they cause are budgeted, the rest counted
        from("iotmp:events")
                .routeId("log-device-events")
                .process(exchange -> summariseSuppressed(deviceEventLines, "device events"))
                .filter(method(deviceEventLines, "admit"))
                .choice()
                    .when(header(IotmpConstants.REASON).isNotNull())
                        .log(DEVICE_EVENT + " (${header.CamelIotmpReason})")
                    .otherwise()
                        .log(DEVICE_EVENT)
                .end();
    }

    private static void summariseSuppressed(LogBudget budget, String what) {
        long suppressed = budget.takeSuppressed();
        if (suppressed > 0) {
            LOG.info("{} {} not logged in the last {} s or more (quickstart.device-event-log-rate)",
                    suppressed, what, LogBudget.SUMMARY_INTERVAL_SECONDS);
        }
    }

    /** The body as text, cut to {@value #VALUE_PREVIEW_CHARS} characters with the length it had. */
    private static void preview(Exchange exchange) {
        exchange.setProperty(PREVIEW, cut(exchange.getIn().getBody()));
    }

    static String cut(Object value) {
        String text = String.valueOf(value);
        // a device's text: its line breaks and escape sequences escaped, so it cannot write lines of its own
        return text.length() <= VALUE_PREVIEW_CHARS ? PsonValues.text(text)
                : PsonValues.text(text.substring(0, VALUE_PREVIEW_CHARS)) + "… (" + text.length() + " characters)";
    }

    private void temperatureRefused(Exchange exchange) {
        IotmpRequestException refusal = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, IotmpRequestException.class);
        exchange.setProperty(PREVIEW, cut(refusal != null ? refusal.getMessage() : null));
        DeviceId device = refusal != null ? refusal.deviceId() : null;
        if (device != null) {
            refusals.refused(new StreamRefusals.Key(device.user(), device.device(), TEMPERATURE),
                    ApiError.of(refusal), true);
        }
    }
}
