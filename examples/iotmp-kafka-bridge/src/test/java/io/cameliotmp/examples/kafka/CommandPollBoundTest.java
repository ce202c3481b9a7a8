package io.cameliotmp.examples.kafka;

import java.util.Properties;

import io.cameliotmp.camel.IotmpEndpoint;
import io.cameliotmp.test.FreePorts;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command consumer as configured polls again in time even when no device of a poll's commands answers. It runs
 * a poll's commands one after another, each waiting for its device (the component's {@code requestTimeout}) and for
 * its reply's send ({@code max-block-ms}); a poll that takes longer than {@code max-poll-interval-ms} makes Kafka take
 * the partitions away, the offsets of the commands run are not committed, and the next poll runs them again: with
 * Kafka's 500 records per poll, a burst of commands to unresponsive devices went to every device twice and more (seen
 * on this example's embedded broker with the times scaled down: a 3 s interval, a 1 s request timeout and eight
 * commands to a device that never answers, every command ran twice).
 */
class CommandPollBoundTest extends CamelMainTestSupport {

    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        Properties overrides = new Properties();
        // no broker: what counts is the configuration the consumer is made with
        overrides.put("camel.component.kafka.brokers", "127.0.0.1:" + FreePorts.next());
        overrides.put("camel.component.iotmp.host", "127.0.0.1");
        overrides.put("camel.component.iotmp.port", String.valueOf(FreePorts.next()));
        configuration.withUseOverridePropertiesWithPropertiesComponent(overrides);
    }

    @Override
    protected Class<?> getMainClass() {
        return KafkaBridgeApplication.class;
    }

    @Test
    void aPollOfCommandsToDevicesThatDoNotAnswerEndsWellWithinTheMaxPollInterval() {
        KafkaConfiguration commands = ((KafkaEndpoint) context.getRoute("commands").getEndpoint()).getConfiguration();
        KafkaConfiguration replies = context.getEndpoint(
                context.resolvePropertyPlaceholders("kafka:{{bridge.replies-topic}}"), KafkaEndpoint.class)
                .getConfiguration();
        long requestTimeout = context.getEndpoint("iotmp:device", IotmpEndpoint.class).getConfiguration()
                .getRequestTimeout();
        // Kafka's defaults where the application sets nothing
        long records = commands.getMaxPollRecords() != null ? commands.getMaxPollRecords() : 500;
        long interval = commands.getMaxPollIntervalMs() != null ? commands.getMaxPollIntervalMs() : 300_000;
        long maxBlock = replies.getMaxBlockMs() != null ? replies.getMaxBlockMs() : 60_000;

        long longestPoll = records * (requestTimeout + maxBlock);

        // with a fifth to spare for the rest of the route and a loaded machine
        assertThat(longestPoll).as("%d commands × (%d ms + %d ms)", records, requestTimeout, maxBlock)
                .isLessThanOrEqualTo(interval * 4 / 5);
    }
}
