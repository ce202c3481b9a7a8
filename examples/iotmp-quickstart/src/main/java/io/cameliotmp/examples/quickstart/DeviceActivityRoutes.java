package io.cameliotmp.examples.quickstart;

import io.cameliotmp.api.ApiError;
import io.cameliotmp.api.StreamRefusals;
import io.cameliotmp.camel.IotmpConstants;
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
 * Logs what the devices do: every temperature sample a device of user {@code demo} streams, every bucket write, and
 * every connect, disconnect and refused connection, the last within a budget of lines per second
 * ({@code quickstart.device-event-log-rate}; what is beyond it is counted in one summary line).
 */
@Component
public class DeviceActivityRoutes extends RouteBuilder {

    private static final String DEVICE_EVENT =
            "${header.CamelIotmpEventType}: ${header.CamelIotmpUser}/${header.CamelIotmpDevice}"
            + " from ${header.CamelIotmpRemoteAddress}";

    private static final String TEMPERATURE = "temperature";

    private static final Logger LOG = LoggerFactory.getLogger(DeviceActivityRoutes.class);

    private final StreamRefusals refusals;
    private final LogBudget deviceEventLines;

    public DeviceActivityRoutes(StreamRefusals refusals,
                                @Value("${quickstart.device-event-log-rate:20}") int deviceEventLogRate) {
        this.refusals = refusals;
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
                .log(LoggingLevel.INFO, "no temperature stream: ${exception.message}");

        // On change: every sample a device streams (sim-1 streams a reading every 2 s), not a periodic poll.
        from("iotmp:device:demo/*/" + TEMPERATURE + "?bridgeErrorHandler=true")
                .routeId("log-temperatures")
                .log("temperature of ${header.CamelIotmpUser}/${header.CamelIotmpDevice}: ${body}");

        // Bucket writes (thing.write_bucket, or every minute from the iotmp-gateway example): a real application would
        // store them; logged here, they are answered OK rather than ERROR 404 for a bucket nobody handles.
        from("iotmp:service:bucket/*")
                .routeId("log-bucket-writes")
                .log("bucket ${header.CamelIotmpResource} from ${header.CamelIotmpUser}/${header.CamelIotmpDevice}:"
                     + " ${body}");

        // devices decide how often they connect: the lines they cause are budgeted, the rest counted
        from("iotmp:events")
                .routeId("log-device-events")
                .process(exchange -> summariseSuppressedEvents())
                .filter(method(deviceEventLines, "admit"))
                .choice()
                    .when(header(IotmpConstants.REASON).isNotNull())
                        .log(DEVICE_EVENT + " (${header.CamelIotmpReason})")
                    .otherwise()
                        .log(DEVICE_EVENT)
                .end();
    }

    private void summariseSuppressedEvents() {
        long suppressed = deviceEventLines.takeSuppressed();
        if (suppressed > 0) {
            LOG.info("{} device events not logged in the last {} s or more (quickstart.device-event-log-rate)",
                    suppressed, LogBudget.SUMMARY_INTERVAL_SECONDS);
        }
    }

    private void temperatureRefused(Exchange exchange) {
        IotmpRequestException refusal = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, IotmpRequestException.class);
        DeviceId device = refusal != null ? refusal.deviceId() : null;
        if (device != null) {
            refusals.refused(new StreamRefusals.Key(device.user(), device.device(), TEMPERATURE),
                    ApiError.of(refusal), true);
        }
    }
}
