package io.cameliotmp.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.device.ResourceKind;
import org.junit.jupiter.api.AfterEach;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fixtures of the tests of clients that ask for a large answer and read nothing of it: a device resource whose answer
 * is larger than the sockets' buffers (small ones on both ends), raw clients that never read, and a Tomcat whose own
 * timeout (the connection timeout, which is also its write timeout) is too long to rescue anything within a test.
 */
@TestPropertySource(properties = "server.tomcat.connection-timeout=10m")
@Import(DeviceSessionSocketLimitsTest.SmallSendBuffer.class)
abstract class SlowAnswerReaderSupport extends OwnApplicationTestSupport {

    /** More than the server's send buffer and the client's receive buffer together, less than an IOTMP frame. */
    static final int ANSWER_SIZE = 200_000;
    static final String BIG = "/v3/users/demo/devices/dev-1/resources/big";
    static final String SMALL = "/v3/users/demo/devices/dev-1/resources/small";

    final AtomicInteger bigAnswers = new AtomicInteger();
    private final List<Socket> slowClients = new ArrayList<>();

    @AfterEach
    void closeSlowClients() throws IOException {
        for (Socket slow : slowClients) {
            slow.close();
        }
        slowClients.clear();
    }

    /** The device, with {@code big} (an answer of {@link #ANSWER_SIZE} bytes, counted) and {@code small}. */
    void connectDevice() throws Exception {
        byte[] answer = new byte[ANSWER_SIZE];
        Arrays.fill(answer, (byte) 'x');
        connect("demo", "dev-1", "secret-1", device -> {
            device.resource("big").handler(ResourceKind.OUTPUT, request -> {
                bigAnswers.incrementAndGet();
                return answer;
            });
            device.resource("small").output(() -> "small");
        });
    }

    /** A raw client that asks for {@code path} and never reads (closed after the test). */
    Socket askWithoutReading(String path) throws IOException {
        Socket slow = new Socket();
        slowClients.add(slow);
        slow.setReceiveBufferSize(1024);
        slow.connect(new InetSocketAddress("127.0.0.1", httpPort));
        slow.setSoTimeout((int) WAIT.toMillis());
        OutputStream out = slow.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + ALL + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return slow;
    }

    /** Reads one answer of {@link #ANSWER_SIZE} bytes whole, head and body; returns the head. */
    static String readWholeAnswer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("the answer's head ended early: " + head).isNotNegative();
            head.append((char) b);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 200").contains("Content-Length: " + ANSWER_SIZE);
        byte[] body = in.readNBytes(ANSWER_SIZE);
        assertThat(body).hasSize(ANSWER_SIZE).containsOnly((byte) 'x');
        return head.toString();
    }

    /** Reads what is left until the end of the stream or a reset; the socket's read timeout fails the test. */
    static long readToTheEnd(Socket socket) throws IOException {
        long count = 0;
        byte[] buffer = new byte[8192];
        try {
            InputStream in = socket.getInputStream();
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                count += read;
            }
        } catch (java.net.SocketException reset) {
            // the server closed with data unread: a reset is an end too
        }
        return count;
    }
}
