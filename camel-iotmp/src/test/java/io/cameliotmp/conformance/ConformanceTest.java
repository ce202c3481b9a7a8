package io.cameliotmp.conformance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import io.cameliotmp.protocol.session.ServiceCode;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.StaticAuthenticator;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plays every row of {@value #TABLE} (a Mosquitto-style conformance table; its header explains the columns) against
 * the real server over TCP: one connection per row, the row's bytes in one write, then the exact frames expected back
 * and how the connection must end.
 */
class ConformanceTest {

    static final String TABLE = "/conformance/iotmp-conformance.tsv";

    /** CONNECT F4 and its OK (setup gen2). */
    static final String GEN2_CONNECT = "03 18 08 B4 24 1A E3 85 61 6C 69 63 65 85 65 73 70 33 32 86 73 33 63 72 33 74";
    static final String GEN2_OK = "01 03 08 B4 24";

    /** The gen-1 CONNECT of iotmp-vectors.md §7 and its OK (setup gen1). */
    static final String GEN1_CONNECT = "03 18 08 01 10 01 19 72 11 4A 04 75 73 65 72 4A 03 64 65 76 4A 04 70 61 73 73";
    static final String GEN1_OK = "01 02 08 01";

    static final Duration SILENCE = Duration.ofMillis(300);

    /**
     * Sent at the end of an "open" row: STOP_STREAM id 0x7E7E, which the server answers OK in either generation. Its
     * answer must be the next frame, so the server sent nothing beyond the row's frames (a KEEP_ALIVE probe could not
     * tell its echo from one the row expects).
     */
    static final String PROBE = "09 04 08 FE FC 01";
    static final String PROBE_OK = "01 04 08 FE FC 01";

    private static IotmpServer server;

    /** One row of the table. */
    record Case(String name, String setup, String send, List<String> frames, String end) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> table() {
        try (InputStream in = ConformanceTest.class.getResourceAsStream(TABLE)) {
            if (in == null) {
                throw new IllegalStateException(TABLE + " is not on the test classpath");
            }
            List<Case> cases = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            boolean header = true;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] columns = line.split("\t", -1);
                if (columns.length != 4) {
                    throw new IllegalStateException("expected 4 tab-separated columns: " + line);
                }
                if (header) {
                    header = false;
                    continue;
                }
                List<String> expect = new ArrayList<>(Arrays.stream(columns[3].split("\\|")).map(String::trim)
                        .toList());
                String end = expect.remove(expect.size() - 1);
                if (!Set.of("open", "closed", "silent").contains(end) || !Set.of("fresh", "gen1", "gen2")
                        .contains(columns[1])) {
                    throw new IllegalStateException("bad setup or end in: " + line);
                }
                cases.add(new Case(columns[0], columns[1], columns[2], expect, end));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Arguments> cases() {
        return table().stream().map(c -> Arguments.argumentSet(c.name(), c));
    }

    @BeforeAll
    static void startServer() {
        server = new IotmpServer(IotmpServerConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .ioThreads(1)
                .workerThreads(2)
                .authenticator(StaticAuthenticator.parse("alice/esp32=s3cr3t,user/dev=pass,user1/sensor1=secret123"))
                .nativeTransport(false)
                .build());
        server.calls().registerResource("echo", call -> CompletableFuture.completedFuture(call.payload()));
        server.calls().registerResource("boom",
                call -> CompletableFuture.failedFuture(new IllegalStateException("boom")));
        server.calls().registerService(ServiceCode.WRITE_BUCKET, "*", call -> CompletableFuture.completedFuture(null));
        server.calls().registerService(ServiceCode.CALL_ENDPOINT, "alert",
                call -> CompletableFuture.completedFuture(null));
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.stop();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void row(Case c) throws IOException {
        try (RawIotmpSocket device = new RawIotmpSocket(server.localAddress().getPort())) {
            if (c.setup().equals("gen2")) {
                device.sendHex(GEN2_CONNECT);
                assertThat(device.readFrameHex()).as("OK to the setup's CONNECT").isEqualTo(GEN2_OK);
            } else if (c.setup().equals("gen1")) {
                device.sendHex(GEN1_CONNECT);
                assertThat(device.readFrameHex()).as("OK to the setup's CONNECT").isEqualTo(GEN1_OK);
            }
            device.sendHex(c.send());
            for (int i = 0; i < c.frames().size(); i++) {
                String frame;
                try {
                    frame = device.readFrameHex();
                } catch (IOException e) {
                    throw new AssertionError("expected frame " + (i + 1) + " of " + c.frames().size() + ", "
                                             + c.frames().get(i) + ", but: " + e, e);
                }
                assertThat(frame).as("frame %d of %d", i + 1, c.frames().size()).isEqualTo(c.frames().get(i));
            }
            switch (c.end()) {
                case "open" -> {
                    device.sendHex(PROBE);
                    assertThat(device.readFrameHex()).as("next frame: the answer to the probe").isEqualTo(PROBE_OK);
                }
                case "closed" -> assertClosedWithoutMore(device);
                default -> assertThat(device.silentFor(SILENCE)).as("nothing sent and still open after %s", SILENCE)
                        .isTrue();
            }
        }
    }

    private static void assertClosedWithoutMore(RawIotmpSocket device) {
        String extra;
        try {
            extra = device.readFrameHex();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection is still open after " + Waits.WAIT);
        } catch (IOException e) {
            return; // closed (or reset) with nothing more
        }
        throw new AssertionError("expected the connection to close, got another frame: " + extra);
    }

    @Test
    void tableHasUniqueNamesAndEnoughCases() {
        List<Case> cases = table();
        Set<String> names = new HashSet<>();
        for (Case c : cases) {
            assertThat(names.add(c.name())).as("duplicate case %s", c.name()).isTrue();
            Hex.bytes(c.send());
            c.frames().forEach(Hex::bytes);
        }
        assertThat(cases).hasSizeGreaterThanOrEqualTo(150);
    }
}
