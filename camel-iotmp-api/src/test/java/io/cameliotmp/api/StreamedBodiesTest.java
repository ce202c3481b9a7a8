package io.cameliotmp.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two routes that stream their body (file uploads, firmware images) check it before reading it: a body that
 * never ends, or announces a gigabyte, is answered at once, without being read (Camel's stream cache took it whole
 * before). And only those two routes pass the request body filter unbounded.
 */
class StreamedBodiesTest extends ApiTestSupport {

    /**
     * Sends the head and the first {@code bodyBytes} of a body that never ends (the socket stays open), and returns
     * the status line of the answer. A server that reads the body first never answers: the read times out.
     */
    private String statusOfUnendingPost(String path, String token, String framing, byte[] body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", httpPort)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + httpPort + "\r\nAuthorization: Bearer "
                       + token + "\r\nContent-Type: application/octet-stream\r\n" + framing + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            return in.readLine();
        }
    }

    @Test
    void aChunkedUploadThatNeverEndsIsAnswered411WithoutBeingRead() throws Exception {
        byte[] chunk = new byte[256 * 1024];
        byte[] firstChunk = new byte[chunk.length + 16];
        byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, firstChunk, 0, size.length);
        assertThat(statusOfUnendingPost("/v3/users/demo/devices/dev-1/files/upload?path=/tmp/x", ALL,
                "Transfer-Encoding: chunked\r\n", java.util.Arrays.copyOf(firstChunk, size.length + chunk.length)))
                .startsWith("HTTP/1.1 411");
    }

    @Test
    void aFirmwareImageAnnouncedLargerThanTheLimitIsAnswered413WithoutBeingRead() throws Exception {
        assertThat(statusOfUnendingPost("/v3/users/demo/devices/dev-ota/firmware", "test-token-ota",
                "Content-Length: 1073741824\r\n", new byte[64 * 1024])).startsWith("HTTP/1.1 413");
    }

    @Test
    void anUploadAnnouncedLargerThanTheLimitIsAnswered413WithoutBeingRead() throws Exception {
        assertThat(statusOfUnendingPost("/v3/users/demo/devices/dev-1/files/upload?path=/tmp/x", ALL,
                "Content-Length: 1073741824\r\n", new byte[64 * 1024])).startsWith("HTTP/1.1 413");
    }

    /** A resource whose name ends like a streaming route is a resource: its body has the API's 64 KB limit. */
    @Test
    void aResourceNamedLikeAStreamingRouteKeepsTheBodyLimit() throws Exception {
        for (String name : new String[] {"v3/users/x/devices/y/firmware", "v3/users/x/devices/y/files/upload"}) {
            Answer answer = send(request("/v3/users/demo/devices/dev-1/resources/" + name)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[200 * 1024])));
            assertThat(answer.status()).as(name + ": " + answer.text()).isEqualTo(413);
        }
    }
}
