package io.cameliotmp.api;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import io.cameliotmp.test.DeviceFileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Downloads and uploads are checked against the token's resource patterns by the file's path
 * ({@code $fs/download/tmp/a.txt} for {@code /tmp/a.txt}), against a device with the reference client's {@code $fs}
 * resources over a real directory. The token {@code tmp} reaches {@code $fs/info|download|upload/tmp/*} only.
 */
class FileAccessTest extends ApiTestSupport {

    private static final String FILES = "/v3/users/demo/devices/dev-1/files/";
    private static final String TMP = "test-token-tmp";

    @TempDir
    Path root;

    @BeforeEach
    void connectDevice() throws Exception {
        Files.createDirectories(root.resolve("tmp"));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("tmp/a.txt"), "in tmp");
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0");
        connect("demo", "dev-1", "secret-1", device -> DeviceFileSystem.install(device, root));
    }

    @Test
    void aTokenDownloadsOnlyThePathsItsPatternsCover() throws Exception {
        for (String path : List.of("/tmp/a.txt", "%2Ftmp%2Fa.txt", "tmp/a.txt")) {
            Answer allowed = send(request(FILES + "download?path=" + path, TMP).GET());
            assertThat(allowed.status()).as(path + ": " + allowed.text()).isEqualTo(200);
            assertThat(allowed.text()).isEqualTo("in tmp");
        }
        for (String path : List.of("/etc/passwd", "%2Fetc%2Fpasswd", "%2F%65tc/passwd")) {
            Answer refused = send(request(FILES + "download?path=" + path, TMP).GET());
            assertThat(refused.status()).as(path).isEqualTo(403);
            assertThat(refused.json().path("error").asText()).isEqualTo("Forbidden");
            assertThat(refused.json().path("message").asText())
                    .isEqualTo("the access token does not reach resource $fs/download/etc/passwd");
        }
    }

    @Test
    void noRelativePathLeavesThePatterns() throws Exception {
        for (String path : List.of("/tmp/../etc/passwd", "%2Ftmp%2F..%2Fetc%2Fpasswd", "/tmp/a/../../etc/passwd",
                "/tmp/%2E%2E/etc/passwd", "/tmp/./a.txt", "//etc/passwd", "/tmp//a.txt", "")) {
            Answer refused = send(request(FILES + "download?path=" + path, TMP).GET());
            assertThat(refused.status()).as(path).isEqualTo(400);
            assertThat(refused.json().path("error").asText()).isEqualTo("Bad Request");
        }
        Answer twice = send(request(FILES + "download?path=/tmp/a.txt&path=/etc/passwd", TMP).GET());
        assertThat(twice.status()).isEqualTo(400);
        assertThat(twice.json().path("message").asText()).contains("more than once");
        Answer none = send(request(FILES + "download", TMP).GET());
        assertThat(none.status()).isEqualTo(400);
    }

    @Test
    void aTokenUploadsOnlyToThePathsItsPatternsCover() throws Exception {
        byte[] file = new byte[3 * 1024 * 1024 + 7];
        new Random(21).nextBytes(file);

        Answer written = upload("/tmp/up.bin", file);
        assertThat(written.status()).as(written.text()).isEqualTo(201);
        assertThat(Files.readAllBytes(root.resolve("tmp/up.bin"))).isEqualTo(file);

        assertThat(upload("/etc/evil", "x".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(403);
        assertThat(upload("%2Fetc%2Fevil", "x".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(403);
        assertThat(upload("/tmp/../etc/evil", "x".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(400);
        assertThat(root.resolve("etc/evil")).doesNotExist();
    }

    @Test
    void anEmptyFileIsWrittenToo() throws Exception {
        Answer written = upload("/tmp/empty.txt", new byte[0]);

        assertThat(written.status()).as(written.text()).isEqualTo(201);
        assertThat(written.json().path("size").asLong()).isZero();
        assertThat(root.resolve("tmp/empty.txt")).exists().isEmptyFile();
    }

    private Answer upload(String path, byte[] body) throws Exception {
        return send(request(FILES + "upload?path=" + path, TMP).header("Content-Type", "application/octet-stream")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)));
    }
}
