package io.cameliotmp.api;

import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients that ask for a large answer and read nothing of it hold no thread: more of them than the task executor has
 * threads (two here) do not keep an ordinary client from its answer. Their answers were written with blocking writes
 * on the task executor, which then waited for Tomcat's write timeout (ten minutes in this application).
 */
@TestPropertySource(properties = {"spring.task.execution.pool.core-size=" + AnswersToSlowReadersTest.WRITERS,
    "camel.iotmp.api.answer-write-timeout=10m"})
@ExtendWith(OutputCaptureExtension.class)
class AnswersToSlowReadersTest extends SlowAnswerReaderSupport {

    static final int WRITERS = 2;

    @Autowired
    AnswerWriter answers;

    @Test
    void clientsThatReadNothingDoNotDelayOtherAnswers(CapturedOutput output) throws Exception {
        connectDevice();
        int slowClients = WRITERS + 1;
        for (int i = 0; i < slowClients; i++) {
            askWithoutReading(BIG);
        }
        await("the device answered the clients that read nothing").atMost(WAIT)
                .until(() -> bigAnswers.get() == slowClients);

        CompletableFuture<HttpResponse<String>> ordinary = http.sendAsync(request(SMALL).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        HttpResponse<String> answer = ordinary.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("small");
        assertThat(answers.slowClientsClosed()).as("no client was closed: none was too slow yet").isZero();
        await("the answers held for the clients that read nothing").atMost(WAIT)
                .until(() -> answers.sending() == slowClients);

        // clients that leave with their answers unread are no error of the server's
        closeSlowClients();
        await("the answers of the clients that left are given up").atMost(WAIT).until(() -> answers.sending() == 0);
        assertThat(output.getAll()).doesNotContain(" ERROR ", " WARN ");
    }

    /** A client that reads its large answer only once it was sent as far as it could go gets all of it. */
    @Test
    void aLateReaderGetsTheWholeAnswer() throws Exception {
        connectDevice();
        Socket late = askWithoutReading(BIG);
        await("the device answered").atMost(WAIT).until(() -> bigAnswers.get() == 1);

        readWholeAnswer(late);
    }
}
