package io.cameliotmp.api;

import java.net.Socket;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that reads nothing of its answer for {@code camel.iotmp.api.answer-write-timeout} loses its connection,
 * counted in {@code iotmp.api.answers.slow.closed}; Tomcat's own write timeout (its connection timeout, ten minutes
 * here) would keep it for much longer.
 */
@TestPropertySource(properties = "camel.iotmp.api.answer-write-timeout=2s")
@ExtendWith(OutputCaptureExtension.class)
class AnswerWriteTimeoutTest extends SlowAnswerReaderSupport {

    @Autowired
    AnswerWriter answers;

    @Autowired
    ApiMetrics metrics;

    @Test
    void aClientThatReadsNothingOfItsAnswerIsClosedAfterTheTimeout(CapturedOutput output) throws Exception {
        connectDevice();
        long closedBefore = answers.slowClientsClosed();

        Socket slow = askWithoutReading(BIG);

        await("the client that reads nothing is closed").atMost(WAIT)
                .until(() -> answers.slowClientsClosed() == closedBefore + 1);
        assertThat(readToTheEnd(slow)).as("what reached the client before the close").isLessThan(ANSWER_SIZE);
        await("the answer is given up").atMost(WAIT).until(() -> answers.sending() == 0);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        metrics.bindTo(registry);
        assertThat(registry.get("iotmp.api.answers.slow.closed").functionCounter().count())
                .isEqualTo(closedBefore + 1);
        // the API goes on answering; the client's leaving was no error of the server's
        assertThat(get(SMALL).status()).isEqualTo(200);
        assertThat(output.getAll()).doesNotContain(" ERROR ", " WARN ");
    }
}
