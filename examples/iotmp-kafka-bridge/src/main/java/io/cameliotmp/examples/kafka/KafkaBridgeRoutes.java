package io.cameliotmp.examples.kafka;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cameliotmp.camel.IotmpConstants;
import io.cameliotmp.camel.IotmpSample;
import io.cameliotmp.server.DeviceDisconnectedException;
import io.cameliotmp.server.DeviceErrorException;
import io.cameliotmp.server.DeviceNotConnectedException;
import io.cameliotmp.server.DeviceRequestTimeoutException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.PropertyInject;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.DefaultMessage;
import org.apache.camel.util.ObjectHelper;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IOTMP → Kafka: stream samples and bucket writes become JSON records keyed {@code user/device}. Kafka → IOTMP:
 * command records run device resources, and every command gets exactly one reply record, an error reply when the
 * command was malformed or the device could not run it.
 */
public class KafkaBridgeRoutes extends RouteBuilder {

    /** Exchange property holding the parsed command while the device runs it. */
    static final String COMMAND = "iotmpBridgeCommand";

    /** Exchange property holding the command record's commit, made once its reply is sent. */
    static final String COMMIT = "iotmpBridgeCommit";

    private static final String DEVICE_KEY = "${header." + IotmpConstants.USER + "}/${header." + IotmpConstants.DEVICE
                                             + "}";

    /** The longest text of a reply's {@code error.message}; longer ones are cut there. */
    static final int MAX_ERROR_TEXT = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBridgeRoutes.class);

    /** The registry's name of the bridge's {@link SampleSendFailures}. */
    static final String SAMPLE_SEND_FAILURES = "kafkaSampleSendFailures";

    /** Comma-separated resources whose streams are bridged; each gets its own stream consumer. */
    @PropertyInject("bridge.stream-resources")
    private String streamResources;

    /** Samples per exchange and Kafka send; 0 bridges each sample on its own. */
    @PropertyInject(value = "bridge.batch-size", defaultValue = "0")
    private int batchSize;

    /** With a batch size: the longest a sample waits for its batch to fill, in milliseconds. */
    @PropertyInject(value = "bridge.batch-timeout", defaultValue = "200")
    private long batchTimeout;

    private final ObjectMapper records = new ObjectMapper();

    /** Whether a bucket write refused for its size was logged at WARN: the later ones go to DEBUG. */
    private final AtomicBoolean bucketTooLargeLogged = new AtomicBoolean();

    @Override
    public void configure() {
        SampleSendFailures failures = new SampleSendFailures();
        bindToRegistry(SAMPLE_SEND_FAILURES, failures);
        for (String resource : streamResources.split(",")) {
            if (resource.isBlank()) {
                continue;
            }
            String name = resource.trim();
            if (batchSize > 0) {
                // a list of messages is one Kafka send of a record per message, each with its own key; the batch
                // is acknowledged to the devices once Kafka acknowledged all of its records
                sendCounted(from("iotmp:device:{{bridge.devices}}/" + name + "?batchSize=" + batchSize
                                 + "&batchTimeout=" + batchTimeout)
                        .routeId("samples-" + name)
                        .process(exchange -> exchange.getMessage().setBody(records(exchange))), failures);
                continue;
            }
            // on change (interval 0): the device decides when a sample is worth sending
            sendCounted(from("iotmp:device:{{bridge.devices}}/" + name)
                    .routeId("samples-" + name)
                    .setBody(exchange -> {
                        Message in = exchange.getMessage();
                        return new DeviceSample(in.getHeader(IotmpConstants.USER, String.class),
                                in.getHeader(IotmpConstants.DEVICE, String.class), name,
                                in.getHeader(IotmpConstants.TIMESTAMP, Long.class), in.getBody());
                    })
                    .marshal().json()
                    .setHeader(KafkaConstants.KEY, simple(DEVICE_KEY)), failures);
        }

        // The device gets its OK only after Kafka acknowledged the record; if Kafka fails it gets an ERROR and can
        // keep the data, rather than being told it was stored.
        from("iotmp:service:bucket/*")
                .routeId("buckets")
                // a write Kafka refuses for its size still fails back to its device, which keeps the data; Camel's
                // error handler logged each at ERROR with a stack trace, a device retrying its write filling the log
                .onException(RecordTooLargeException.class)
                    .logExhausted(false)
                    .process(this::bucketTooLarge)
                .end()
                .setBody(exchange -> {
                    Message in = exchange.getMessage();
                    return new BucketWrite(in.getHeader(IotmpConstants.USER, String.class),
                            in.getHeader(IotmpConstants.DEVICE, String.class),
                            in.getHeader(IotmpConstants.RESOURCE, String.class), in.getBody());
                })
                .marshal().json()
                .setHeader(KafkaConstants.KEY, simple(DEVICE_KEY))
                .to("kafka:{{bridge.buckets-topic}}");

        // The reply keeps the command's record key (the kafka.KEY header the consumer set) and its application
        // headers; camel-kafka filters Camel and kafka.* headers in both directions, so a record cannot set
        // CamelIotmp* headers and pick another device than its JSON names.
        // Each command's offset is committed once its reply is in Kafka, not by Kafka's auto-commit: a stop between
        // two commands of a poll neither skips the rest of the poll nor runs the commands already run again on the
        // next start (auto-commit committed whatever it had committed last, seconds before).
        from("kafka:{{bridge.commands-topic}}?groupId={{bridge.group-id}}&autoCommitEnable=false"
             + "&allowManualCommit=true")
                .routeId("commands")
                .setProperty(COMMIT, header(KafkaConstants.MANUAL_COMMIT))
                .doTry()
                    .process(KafkaBridgeRoutes::requireValue)
                    .unmarshal().json(DeviceCommand.class)
                    .process(KafkaBridgeRoutes::prepareDeviceCall)
                    .to("iotmp:device")
                    .setBody(exchange -> {
                        DeviceCommand command = exchange.getProperty(COMMAND, DeviceCommand.class);
                        return new CommandReply(command.id(), command.user(), command.device(),
                                command.resource(), true, exchange.getMessage().getBody(), null);
                    })
                .doCatch(Exception.class)
                    .setBody(KafkaBridgeRoutes::failureReply)
                .end()
                .marshal().json()
                // A reply Kafka refuses for its size (a device's large output) would fail the exchange: the command
                // got no reply at all and its offset stayed uncommitted. Sending it again cannot help, so the
                // command gets a small error reply in its place.
                .doTry()
                    .to("kafka:{{bridge.replies-topic}}")
                .doCatch(RecordTooLargeException.class)
                    .setBody(KafkaBridgeRoutes::replyTooLarge)
                    .marshal().json()
                    .to("kafka:{{bridge.replies-topic}}")
                .end()
                .process(exchange -> exchange.getProperty(COMMIT, KafkaManualCommit.class).commit());
    }

    private void bucketTooLarge(Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Object device = exchange.getMessage().getHeader(KafkaConstants.KEY);
        if (bucketTooLargeLogged.compareAndSet(false, true)) {
            LOG.warn("Kafka refused a bucket write of {} for its size ({}): the device is answered with an ERROR;"
                     + " later ones are logged at DEBUG", device, String.valueOf(failure));
        } else {
            LOG.debug("Kafka refused a bucket write of {} for its size: {}", device, String.valueOf(failure));
        }
    }

    /** Ends a samples route with its send to Kafka: a sample or batch Kafka does not take is dropped and counted. */
    private static void sendCounted(RouteDefinition samples, SampleSendFailures failures) {
        samples.doTry()
                    .to("kafka:{{bridge.samples-topic}}")
                    .process(exchange -> failures.sent())
                .doCatch(Exception.class)
                    .process(failures::failed)
                .end();
    }

    /**
     * A record without a value (a tombstone) is no command: unmarshalled, it failed as {@code failed} with a type
     * converter's message, not as the {@code invalidCommand} it is.
     */
    private static void requireValue(Exchange exchange) {
        if (exchange.getMessage().getBody() == null) {
            throw new InvalidCommandException("empty command: the record has no value");
        }
    }

    private static void prepareDeviceCall(Exchange exchange) {
        DeviceCommand command = exchange.getMessage().getBody(DeviceCommand.class);
        if (command == null) {
            throw new InvalidCommandException("empty command");
        }
        exchange.setProperty(COMMAND, command);
        requireText(command.user(), "user");
        requireText(command.device(), "device");
        requireText(command.resource(), "resource");
        Message message = exchange.getMessage();
        message.setHeader(IotmpConstants.USER, command.user());
        message.setHeader(IotmpConstants.DEVICE, command.device());
        message.setHeader(IotmpConstants.RESOURCE, command.resource());
        message.setBody(command.input());
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidCommandException("command has no \"" + field + "\"");
        }
    }

    private static CommandReply failureReply(Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        DeviceCommand command = exchange.getProperty(COMMAND, DeviceCommand.class);
        CommandReply.Error error;
        DeviceErrorException deviceError = ObjectHelper.getException(DeviceErrorException.class, failure);
        if (deviceError != null) {
            String message = deviceError.deviceMessage();
            error = new CommandReply.Error("deviceError",
                    bounded(message != null ? message : deviceError.getMessage()),
                    deviceError.status() >= 0 ? deviceError.status() : null);
        } else {
            error = new CommandReply.Error(failureType(failure), bounded(String.valueOf(failure.getMessage())), null);
        }
        return command == null
                ? new CommandReply(null, null, null, null, false, null, error)
                : new CommandReply(command.id(), command.user(), command.device(), command.resource(), false, null,
                        error);
    }

    /**
     * The reply sent in the place of one Kafka refused for its size: the command's fields, no output, and why. The
     * device did run the command; only its answer is lost.
     */
    private static CommandReply replyTooLarge(Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        byte[] refused = exchange.getMessage().getBody(byte[].class);
        String text = "the reply (" + (refused != null ? refused.length + " bytes" : "its JSON")
                      + ") is larger than Kafka takes: " + bounded(String.valueOf(failure.getMessage()));
        LOG.warn("Command on {} partition {} offset {}: {}", exchange.getMessage().getHeader(KafkaConstants.TOPIC),
                exchange.getMessage().getHeader(KafkaConstants.PARTITION),
                exchange.getMessage().getHeader(KafkaConstants.OFFSET), text);
        DeviceCommand command = exchange.getProperty(COMMAND, DeviceCommand.class);
        CommandReply.Error error = new CommandReply.Error("replyTooLarge", text, null);
        return command == null
                ? new CommandReply(null, null, null, null, false, null, error)
                : new CommandReply(command.id(), command.user(), command.device(), command.resource(), false, null,
                        error);
    }

    /**
     * An error's text, at most {@link #MAX_ERROR_TEXT} characters: it may repeat what the command or the device sent
     * (a device id of any length in "not connected", a device's error message), and a reply that repeated a large
     * command's device id twice was too large for Kafka and never sent.
     */
    static String bounded(String text) {
        if (text == null || text.length() <= MAX_ERROR_TEXT) {
            return text;
        }
        // not between the two halves of a surrogate pair: half a character is no text JSON can carry
        int end = Character.isHighSurrogate(text.charAt(MAX_ERROR_TEXT - 1)) ? MAX_ERROR_TEXT - 1 : MAX_ERROR_TEXT;
        return text.substring(0, end) + "… (" + text.length() + " characters)";
    }

    private static String failureType(Exception failure) {
        if (ObjectHelper.getException(InvalidCommandException.class, failure) != null
                || ObjectHelper.getException(JsonProcessingException.class, failure) != null) {
            return "invalidCommand";
        }
        if (ObjectHelper.getException(DeviceNotConnectedException.class, failure) != null) {
            return "notConnected";
        }
        if (ObjectHelper.getException(DeviceRequestTimeoutException.class, failure) != null) {
            return "timeout";
        }
        if (ObjectHelper.getException(DeviceDisconnectedException.class, failure) != null) {
            return "disconnected";
        }
        return "failed";
    }

    /** A command record that is not a usable {@link DeviceCommand}. */
    static final class InvalidCommandException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidCommandException(String message) {
            super(message);
        }
    }

    /**
     * The records of a batch of samples: the same key and JSON value as a sample bridged on its own gets. camel-kafka
     * sends them one after the other as it takes them from this iterator, which ends early once a send timed out
     * waiting for the broker (its metadata, or room in the producer's buffer): every later send would wait
     * {@code max-block-ms} as well, so a batch of n records held its samples in flight, and the device paused at its
     * bound, n times that long before it failed (a batch of 20 for 40 s). The batch fails on the first such send as
     * a sample bridged on its own does. Any other failure of a record leaves the rest to be sent.
     */
    @SuppressWarnings("unchecked")
    private Iterator<Message> records(Exchange exchange) throws JsonProcessingException {
        List<IotmpSample> batch = exchange.getMessage().getBody(List.class);
        // serialised up front: a sample that cannot be fails the batch before any of it is sent
        List<Message> records = new ArrayList<>(batch.size());
        for (IotmpSample sample : batch) {
            Message record = new DefaultMessage(exchange);
            record.setHeader(KafkaConstants.KEY, sample.user() + "/" + sample.device());
            record.setBody(this.records.writeValueAsBytes(new DeviceSample(sample.user(), sample.device(),
                    sample.resource(), sample.timestamp(), sample.payload())));
            records.add(record);
        }
        exchange.setProperty(SampleSendFailures.SAMPLES, records.size());
        Iterator<Message> all = records.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                // camel-kafka's callback sets the exception, on this thread when the send gave up waiting
                return all.hasNext()
                       && ObjectHelper.getException(TimeoutException.class, exchange.getException()) == null;
            }

            @Override
            public Message next() {
                return all.next();
            }
        };
    }
}
