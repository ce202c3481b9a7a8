package io.cameliotmp.examples.kafka;

import java.util.Properties;

import io.cameliotmp.camel.IotmpEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bridge's tests again with {@code bridge.batch-size} set: samples go to Kafka in batches, one exchange and one
 * Kafka send per batch, and every record is the same as when each sample is bridged on its own.
 */
class BatchedKafkaBridgeTest extends KafkaBridgeTest {

    @Override
    protected void override(Properties overrides) {
        overrides.put("bridge.batch-size", "50");
        overrides.put("bridge.batch-timeout", "100");
    }

    @Test
    void theSamplesRouteConsumesInBatches() {
        IotmpEndpoint samples = (IotmpEndpoint) context.getRoute("samples-temperature").getEndpoint();
        assertThat(samples.getConfiguration().getBatchSize()).isEqualTo(50);
        assertThat(samples.getConfiguration().getBatchTimeout()).isEqualTo(100);
    }
}
