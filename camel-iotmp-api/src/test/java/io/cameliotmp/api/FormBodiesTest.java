package io.cameliotmp.api;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A POST with a form body ({@code application/x-www-form-urlencoded}) is refused (415) before anything reads it. The
 * access filter asked for an upload's {@code path} parameter, and Tomcat then read the form on the request thread, as
 * slowly as the client sent it (each byte restarting its read timeout), outside the body limits and the uploads'
 * rate: a token holder could take every request thread so.
 */
class FormBodiesTest extends ApiTestSupport {

    @Test
    void aFormBodyIsRefusedBeforeAnyOfItIsRead() throws Exception {
        connect("demo", "dev-1", "secret-1", device -> device.resource("led").output(() -> true));
        String[][] calls = {{"/v3/users/demo/devices/dev-1/files/upload", ALL},
                            {"/v3/users/demo/devices/dev-1/firmware", "test-token-firmware"},
                            {"/v3/users/demo/devices/dev-1/resources/led", ALL}};
        for (String[] call : calls) {
            try (Socket socket = new Socket("127.0.0.1", httpPort)) {
                // Tomcat's own read timeout (60 s) is longer: without the refusal this read times out
                socket.setSoTimeout((int) WAIT.toMillis());
                OutputStream out = socket.getOutputStream();
                // 100 bytes announced, a few sent, the rest never
                out.write(("POST " + call[0] + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + call[1]
                           + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
                           + "path=/tmp/x&").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                String answer = head(socket.getInputStream());

                assertThat(answer).as(call[0]).startsWith("HTTP/1.1 415").contains("not as a form");
            }
        }
    }

    /** The answer's status line, headers and as much of its body as has come with them. */
    private static String head(InputStream in) throws Exception {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (!read.toString(StandardCharsets.UTF_8).contains("}")) {
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            read.write(buffer, 0, n);
        }
        return read.toString(StandardCharsets.UTF_8);
    }
}
