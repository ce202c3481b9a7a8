package io.cameliotmp.examples.mqtt;

import io.cameliotmp.camel.IotmpConstants;
import io.cameliotmp.server.DeviceErrorException;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Message;
import org.apache.camel.PropertyInject;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.paho.PahoConstants;
import org.apache.camel.component.paho.PahoMessage;
import org.apache.camel.util.ObjectHelper;

/**
 * IOTMP → MQTT: every sample of a bridged resource's stream is published as JSON on
 * {@code devices/{device}/{resource}}, the device id with what a topic may not carry encoded ({@link TopicLevels}).
 * MQTT → IOTMP: a message on {@code devices/{device}/{resource}/set} runs the resource with the JSON payload as input
 * (an empty payload runs it without input), and the outcome is published on {@code devices/{device}/{resource}/result}.
 * Devices are those of one IOTMP user, {@code bridge.user}, as the topics carry no user.
 */
public class MqttBridgeRoutes extends RouteBuilder {

    /** Where the result of a set goes: its topic, with {@code result} for {@code set}. */
    private static final String RESULT_TOPIC = "bridgeResultTopic";

    /** The registry's name of the bridge's {@link PublishFailures}. */
    static final String PUBLISH_FAILURES = "mqttPublishFailures";

    /** Comma-separated resources whose streams are bridged; each gets its own stream consumer. */
    @PropertyInject("bridge.stream-resources")
    private String streamResources;

    @Override
    public void configure() {
        PublishFailures failures = new PublishFailures();
        bindToRegistry(PUBLISH_FAILURES, failures);
        for (String resource : streamResources.split(",")) {
            if (resource.isBlank()) {
                continue;
            }
            String name = resource.trim();
            from("iotmp:device:{{bridge.user}}/*/" + name)
                    .routeId("stream-" + name)
                    .marshal().json()
                    .process(exchange -> topic(exchange, name))
                    .doTry()
                        .to("paho:devices") // one MQTT connection for all devices: the topic comes from the header
                        .process(exchange -> failures.published())
                    .doCatch(Exception.class)
                        .process(failures::failed)
                    .end();
        }

        // "+" matches one topic level, so resources whose path contains "/" cannot be set this way
        from("paho:devices/+/+/set")
                .routeId("set")
                // a retained set would be run again each time the bridge subscribes (every start): a command
                // runs once, when it is published
                .filter(MqttBridgeRoutes::isRetained)
                    .log(LoggingLevel.WARN, "Ignored a retained message on ${header." + PahoConstants.MQTT_TOPIC
                                            + "}: a set runs when it is published, not again when the bridge starts")
                    .stop()
                .end()
                .doTry()
                    .process(MqttBridgeRoutes::targetFromTopic)
                    .choice().when(body().isNotNull())
                        .unmarshal().json(Object.class) // any JSON value: object, array, number, string, …
                    .end()
                    .to("iotmp:device:{{bridge.user}}")
                    .setBody(exchange -> new SetResult(true, exchange.getMessage().getBody(), null))
                .endDoTry() // back from the nested choice to the try block
                .doCatch(Exception.class)
                    .setBody(MqttBridgeRoutes::failure)
                .end()
                .marshal().json()
                // the set's own topic, "result" for "set": the answer goes where the command came from
                .setHeader(PahoConstants.CAMEL_PAHO_OVERRIDE_TOPIC, exchangeProperty(RESULT_TOPIC))
                .doTry()
                    .to("paho:devices")
                    .process(exchange -> failures.published())
                .doCatch(Exception.class)
                    .process(failures::failed)
                .end();
    }

    /** Whether the message is a retained one the broker sent because the bridge subscribed, not a new publication. */
    private static boolean isRetained(Exchange exchange) {
        PahoMessage message = exchange.getMessage(PahoMessage.class);
        return message != null && message.getMqttMessage() != null && message.getMqttMessage().isRetained();
    }

    /** Publishes on {@code devices/{device}/{rest}}, the message's device encoded as a topic level. */
    private static void topic(Exchange exchange, String rest) {
        Message message = exchange.getMessage();
        message.setHeader(PahoConstants.CAMEL_PAHO_OVERRIDE_TOPIC, "devices/"
                + TopicLevels.encode(message.getHeader(IotmpConstants.DEVICE, String.class)) + "/" + rest);
    }

    /**
     * {@code devices/{device}/{resource}/set} → device and resource headers, and the topic of the result; an empty
     * payload → null body. A device level that is no device's encoded id names no device: decoded as far as it goes,
     * it ran the set on a device through a second topic of its own, past the broker's ACL on its topic.
     */
    private static void targetFromTopic(Exchange exchange) {
        Message message = exchange.getMessage();
        String[] levels = message.getHeader(PahoConstants.MQTT_TOPIC, String.class).split("/");
        exchange.setProperty(RESULT_TOPIC, "devices/" + levels[1] + "/" + levels[2] + "/result");
        message.setHeader(IotmpConstants.RESOURCE, levels[2]);
        String device = TopicLevels.decode(levels[1]);
        if (device == null) {
            throw new IllegalArgumentException("no device has the topic level " + levels[1] + ": a device's id is its"
                                               + " level with %, +, # and what MQTT refuses in a topic written as"
                                               + " their UTF-8 bytes (%25, %2B, %23, ...), and nothing else");
        }
        message.setHeader(IotmpConstants.DEVICE, device);
        byte[] payload = message.getBody(byte[].class);
        if (payload == null || payload.length == 0) {
            message.setBody(null);
        }
    }

    private static SetResult failure(Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        DeviceErrorException deviceError = ObjectHelper.getException(DeviceErrorException.class, failure);
        String text = deviceError != null && deviceError.deviceMessage() != null
                ? deviceError.deviceMessage() : String.valueOf(failure.getMessage());
        return new SetResult(false, null, text);
    }
}
