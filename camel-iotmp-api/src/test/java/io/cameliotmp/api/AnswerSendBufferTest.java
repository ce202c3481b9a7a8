package io.cameliotmp.api;

import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The answers held in memory for clients that do not read are bounded in bytes ({@code answer-send-buffer}, here room
 * for one large answer and a half): beyond, an answer is written with blocking writes on the task executor, as
 * Camel's own consumer does, so that many slow clients cost threads of a bounded pool rather than unbounded memory.
 * Every client still gets its whole answer once it reads.
 */
@TestPropertySource(properties = {"camel.iotmp.api.answer-send-buffer=" + AnswerSendBufferTest.BUFFER,
    "camel.iotmp.api.answer-write-timeout=10m"})
class AnswerSendBufferTest extends SlowAnswerReaderSupport {

    static final int BUFFER = ANSWER_SIZE * 3 / 2;
    private static final int SLOW_CLIENTS = 3;

    @Autowired
    AnswerWriter answers;

    @Autowired
    ApiMetrics metrics;

    @Test
    void answersBeyondTheBufferAreWrittenBlockingAndAllArrive() throws Exception {
        connectDevice();
        long blockingBefore = answers.refused();
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < SLOW_CLIENTS; i++) {
            slow.add(askWithoutReading(BIG));
        }
        await("one answer held, the others written blocking").atMost(WAIT)
                .until(() -> answers.sending() == 1 && answers.refused() == blockingBefore + SLOW_CLIENTS - 1);
        assertThat(answers.bytes()).isEqualTo(ANSWER_SIZE).isLessThanOrEqualTo(BUFFER);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        metrics.bindTo(registry);
        assertThat(registry.get("iotmp.api.answers.bytes").gauge().value()).isEqualTo(ANSWER_SIZE);
        assertThat(registry.get("iotmp.api.answers.blocking").functionCounter().count())
                .isEqualTo(blockingBefore + SLOW_CLIENTS - 1);

        // a small answer fits beside the one held
        assertThat(get(SMALL).status()).isEqualTo(200);

        for (Socket client : slow) {
            readWholeAnswer(client);
        }
        await("nothing held").atMost(WAIT).until(() -> answers.sending() == 0 && answers.bytes() == 0);
    }
}
