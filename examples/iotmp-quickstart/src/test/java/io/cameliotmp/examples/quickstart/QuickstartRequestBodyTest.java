package io.cameliotmp.examples.quickstart;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request bodies an attacker would send: too large (declared or streamed, alone or five at once), compressed, not
 * UTF-8, not exactly one JSON value, with numbers that are not finite. Each is refused in the API's error shape,
 * without holding more than the limit (64 KB by default) and without telling the client anything of the server's
 * internals.
 */
@ExtendWith(OutputCaptureExtension.class)
class QuickstartRequestBodyTest extends QuickstartTestSupport {

    private static final String ECHO = "/v3/users/demo/devices/sim-1/resources/echo";
    private static final int LIMIT = 64 * 1024;
    private static final long FIFTY_MB = 50L * 1024 * 1024;

    private final ExecutorService senders = Executors.newCachedThreadPool();

    @AfterEach
    void stopSenders() {
        senders.shutdownNow();
    }

    @Test
    void aBodyOfExactlyTheLimitIsAccepted() throws Exception {
        String justFits = "\"" + "a".repeat(LIMIT - 2) + "\"";

        Answer answer = post(ECHO, justFits);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().asText()).hasSize(LIMIT - 2);
    }

    @Test
    void aBodyOneByteOverTheLimitIs413() throws Exception {
        Answer answer = post(ECHO, "\"" + "a".repeat(LIMIT - 1) + "\"");

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.contentType()).startsWith("application/json");
        assertThat(answer.json().path("error").asText()).isEqualTo("Payload Too Large");
        assertThat(answer.json().path("message").asText()).contains(String.valueOf(LIMIT));
    }

    /** The answer comes before the body: the server never waits for (nor holds) 50 MB it will refuse. */
    @Test
    void aDeclaredContentLengthOverTheLimitIsRefusedBeforeTheBodyIsSent() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + ECHO + " HTTP/1.1\r\nHost: localhost\r\n" + AUTHORIZATION
                       + "Content-Type: application/json\r\n"
                       + "Content-Length: " + FIFTY_MB + "\r\n\r\n\"aaaa").getBytes(StandardCharsets.US_ASCII));
            out.flush();

            RawAnswer answer = RawAnswer.read(socket.getInputStream());

            assertThat(answer.status()).isEqualTo(413);
            assertThat(JSON.readTree(answer.body()).path("status").asInt()).isEqualTo(413);
        }
    }

    @Test
    void aChunkedBodyOverTheLimitIs413() throws Exception {
        RawAnswer answer = streamChunkedBody(FIFTY_MB);

        assertThat(answer.status()).isEqualTo(413);
        assertThat(JSON.readTree(answer.body()).path("message").asText()).contains(String.valueOf(LIMIT));
    }

    @Test
    void fiveConcurrentFiftyMegabyteBodiesAreEachRefusedAndTheApiGoesOn() throws Exception {
        List<CompletableFuture<RawAnswer>> uploads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            uploads.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return streamChunkedBody(FIFTY_MB);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, senders));
        }

        for (CompletableFuture<RawAnswer> upload : uploads) {
            assertThat(upload.get(WAIT.toMillis() * 3, TimeUnit.MILLISECONDS).status()).isEqualTo(413);
        }
        assertThat(get("/v3/users/demo/devices/sim-1/resources/temperature").status()).isEqualTo(200);
    }

    @Test
    void aCompressedBodyIs415() throws Exception {
        Answer answer = send(authorized(uri(ECHO))
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {0x1f, (byte) 0x8b, 8, 0})));

        assertThat(answer.status()).isEqualTo(415);
        assertThat(answer.json().path("message").asText()).contains("Content-Encoding");
    }

    @Test
    void aBodyThatIsNotUtf8Is400WithoutInternals(CapturedOutput output) throws Exception {
        byte[] latin1 = "\"caf\u00e9 \u00ff\"".getBytes(StandardCharsets.ISO_8859_1);

        Answer answer = send(authorized(uri(ECHO)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(latin1)));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("error").asText()).isEqualTo("Bad Request");
        assertThat(answer.json().path("message").asText()).startsWith("the body is not UTF-8");
        assertNoInternals(answer);
        // a client's mistake: no stack trace in the log either
        assertThat(output.getOut()).doesNotContain("\tat ");
    }

    @Test
    void aBodyInAnotherDeclaredCharsetIs400Too() throws Exception {
        byte[] latin1 = "\"caf\u00e9\"".getBytes(StandardCharsets.ISO_8859_1);

        Answer answer = send(authorized(uri(ECHO))
                .header("Content-Type", "application/json; charset=ISO-8859-1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(latin1)));

        assertThat(answer.status()).isEqualTo(400);
        assertNoInternals(answer);
    }

    @Test
    void trailingContentAfterTheValueIs400() throws Exception {
        for (String body : List.of("{\"a\":1} xyz", "{\"a\":1}{\"b\":2}", "true false", "1 2")) {
            Answer answer = post(ECHO, body);

            assertThat(answer.status()).as("%s answered %s", body, answer.body()).isEqualTo(400);
            assertThat(answer.json().path("message").asText()).as(body).startsWith("the body is not JSON: ");
            assertNoInternals(answer);
        }
        assertThat(post(ECHO, "{\"a\":1}{\"b\":2}").json().path("message").asText())
                .startsWith("the body is not JSON: more follows the value (line 1, column ");
    }

    @Test
    void numbersThatAreNotFiniteAre400() throws Exception {
        for (String body : List.of("NaN", "[Infinity]", "{\"t\":-Infinity}", "1e400", "{\"t\":[-1e999]}")) {
            Answer answer = post(ECHO, body);

            assertThat(answer.status()).as("%s answered %s", body, answer.body()).isEqualTo(400);
            assertNoInternals(answer);
        }
        // finite ones still pass, at the edges too
        assertThat(post(ECHO, "[1.7976931348623157e308, -4.9e-324, 0]").status()).isEqualTo(200);
    }

    @Test
    void malformedJsonIsDescribedInWords() throws Exception {
        for (String body : List.of("{not json", "{\"a\":", "[1,]", "'single'", "{\"a\":1,}", "[".repeat(2000))) {
            Answer answer = post(ECHO, body);

            assertThat(answer.status()).as("%s answered %s", body, answer.body()).isEqualTo(400);
            assertThat(answer.json().path("message").asText()).startsWith("the body is not JSON: ");
            assertNoInternals(answer);
        }
    }

    private static void assertNoInternals(Answer answer) throws IOException {
        String message = answer.json().path("message").asText();
        assertThat(message).as("message")
                .doesNotContain("com.fasterxml").doesNotContain("org.apache").doesNotContain("java.")
                .doesNotContain("Exception").doesNotContain("`");
        assertThat(answer.body()).doesNotContain("\tat ").doesNotContain("trace");
        assertThat(answer.json().size()).as("fields of %s", answer.body()).isEqualTo(3);
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", httpPort);
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    /**
     * Streams a chunked body of up to {@code size} bytes to the echo resource from another thread, while this one
     * reads the answer; the sending stops once the answer has come (or the server closed the connection).
     */
    private RawAnswer streamChunkedBody(long size) throws IOException {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + ECHO + " HTTP/1.1\r\nHost: localhost\r\n" + AUTHORIZATION
                       + "Content-Type: application/json\r\n"
                       + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            AtomicBoolean answered = new AtomicBoolean();
            senders.execute(() -> {
                byte[] chunk = new byte[16 * 1024];
                Arrays.fill(chunk, (byte) 'a');
                byte[] head = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                try {
                    for (long sent = 0; sent < size && !answered.get(); sent += chunk.length) {
                        out.write(head);
                        out.write(chunk);
                        out.write('\r');
                        out.write('\n');
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    // the server closed the connection after answering: expected
                }
            });
            try {
                return RawAnswer.read(socket.getInputStream());
            } finally {
                answered.set(true);
            }
        }
    }

    /** An HTTP/1.1 answer read off a socket: status line, headers, a body of Content-Length bytes. */
    record RawAnswer(int status, String body) {

        static RawAnswer read(InputStream in) throws IOException {
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            int length = -1;
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring("content-length:".length()).trim());
                }
            }
            assertThat(length).as("Content-Length of the %s answer", status).isNotNegative();
            return new RawAnswer(status, new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed in the middle of the answer's head");
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.US_ASCII);
        }
    }
}
