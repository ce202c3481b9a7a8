package io.cameliotmp.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.cameliotmp.micrometer.MicrometerServerMetrics;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.legacy.LegacyFrames;
import io.cameliotmp.protocol.legacy.LegacyMessage;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.LegacyVectors;
import io.cameliotmp.testing.RawIotmpSocket;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a peer names with a control character, or a slash where it would make two names one, is refused. The user and
 * device id of a CONNECT (or a legacy AUTH) with a slash or a control character are refused before the
 * authenticator sees them and reported to no listener. A line break in a refused device id was handed to
 * {@code iotmp:events} as it came, and an application that logs refused logins (the quickstart does) wrote whatever
 * line an unauthenticated peer put after it. A slash made {@code user/device} name two devices at once, which the
 * cluster's directory and property store key on. After the login, the names a device sends the services (topics,
 * properties, events, call targets, server resources), which reach routes as headers, are refused alike.
 */
class IdentifiersAndNamesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final List<String> asked = Collections.synchronizedList(new ArrayList<>());
    private final List<String> reported = Collections.synchronizedList(new ArrayList<>());
    private IotmpServer server;

    @BeforeEach
    void start() {
        // accepts every device of alice with "pw", and records what it was asked
        DeviceAuthenticator authenticator = request -> {
            asked.add(request.user() + "|" + request.device());
            return CompletableFuture.completedFuture("alice".equals(request.user()) && "pw".equals(request.credential())
                    ? AuthDecision.accept() : AuthDecision.badCredentials());
        };
        server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(0).nativeTransport(false)
                .metrics(MicrometerServerMetrics.factory(meters)).authenticator(authenticator)
                .limits(ServerLimits.builder().maxAuthFailuresPerAddress(0).maxAuthFailuresPerDevice(0).build())
                .legacy(new LegacyListeners(true, 0, LegacyListeners.NONE)).build());
        server.start();
        server.registry().addListener(new DeviceListener() {
            @Override
            public void onAuthenticationRefused(AuthRequest request, AuthDecision decision) {
                reported.add(request.user() + "|" + request.device());
            }
        });
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private String connectAnswer(String user, String device, String credential) throws Exception {
        try (RawIotmpSocket socket = new RawIotmpSocket(server.localAddress().getPort())) {
            socket.send(IotmpMessage.connect(1, user, device, credential), Generation.GEN2);
            return socket.readFrameHex();
        }
    }

    private double invalid() {
        return meters.find("iotmp.refusals").tag("reason", "identifier-invalid").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    @Test
    void slashesAndControlCharactersAreRefusedBeforeTheAuthenticator() throws Exception {
        String[][] refused = {
            {"alice", "esp32\n2026-12-06 12:00:00.000 ERROR forged line"},
            {"alice", "esp32\r"},
            {"alice", "esp\u001b[31m32"},
            {"alice", "esp32\u2028forged"},
            {"alice", "esp32\u0085"},
            {"alice", "b/c"},
            {"alice/b", "c"},
            {"ali\u0000ce", "esp32"},
            // an empty name is no name: DeviceId, the device API's paths and the cluster's keys cannot hold it
            {"alice", ""},
            {"", "esp32"},
            // invisible format characters: a device named RLO + "1-ved" was listed as "dev-1", and no API path names it
            {"alice", "\u202e1-ved"},
            {"alice", "esp\u200b32"},
            {"\ufeffalice", "esp32"},
            {"alice", "esp32\u2066"},
            // Unicode noncharacters: an MQTT broker drops the whole connection of a topic that holds one
            {"alice", "esp\uffff32"},
            {"alice", "esp32\ufdd0"},
            {"alice", "esp" + new String(Character.toChars(0x1FFFE)) + "32"},
            {"\ufffealice", "esp32"},
            // a dot segment: a URL's path drops it, so the device API and the console would address another path
            {"alice", "."},
            {"alice", ".."},
            {"..", "esp32"},
        };
        for (String[] ids : refused) {
            assertThat(connectAnswer(ids[0], ids[1], "pw")).as(Hex.format(ids[1].getBytes())).isEqualTo("02 02 08 01");
        }
        eventually().until(() -> invalid() == refused.length);
        assertThat(asked).as("the authenticator was asked about none").isEmpty();

        // names Thinger would not give, but that say nothing twice and write no line, are taken as they come
        assertThat(connectAnswer("alice", "café 1.$x", "pw")).isEqualTo("01 02 08 01");
        assertThat(connectAnswer("alice", "...", "pw")).isEqualTo("01 02 08 01");
        assertThat(connectAnswer("alice", "esp32", "wrong")).isEqualTo("02 04 08 01 10 02");
        eventually().until(() -> reported.size() == 1);
        assertThat(reported).as("only the authenticator's refusal is an event").containsExactly("alice|esp32");
        assertThat(invalid()).isEqualTo(refused.length);
    }

    @Test
    void aLegacyAuthIsCheckedAlike() throws Exception {
        ByteBuf auth = Unpooled.buffer();
        LegacyFrames.encode(LegacyMessage.auth("alice", "esp32\nforged", "pw"), auth);
        try (RawIotmpSocket device = new RawIotmpSocket(server.legacyAddress().getPort())) {
            device.sendHex(Hex.format(auth));
            assertThat(device.readFrameHex()).isEqualTo(Hex.format(LegacyVectors.row("L03").bytes()));
            assertThat(device.closedWithin(WAIT)).isTrue();
        } finally {
            auth.release();
        }
        eventually().until(() -> invalid() == 1);
        assertThat(asked).isEmpty();
        assertThat(reported).isEmpty();
    }

    @Test
    void namesWithAControlCharacterAreRefusedOnEveryServiceAfterTheLogin() throws Exception {
        String name = "bucket\n2026-12-06 12:00:00.000 ERROR forged";
        List<IotmpMessage> refused = List.of(
                IotmpMessage.startStream(10, 8, Map.of("event", "device_topic_publish", "scope", "subscribe",
                        "topic", name)),
                IotmpMessage.startStream(11, 8, Map.of("event", "device_topic_publish", "topic", "t\u2028x",
                        "retained", true)),
                IotmpMessage.startStream(12, 8, Map.of("event", "device_property_update",
                        "filters", Map.of("property", name))),
                IotmpMessage.startStream(13, 8, Map.of("event", "x\u001b[2J")),
                IotmpMessage.of(MessageType.RUN, 14, name, 1, 2), // set a property
                IotmpMessage.of(MessageType.RUN, 15, name, null, 1), // read a property
                IotmpMessage.of(MessageType.RUN, 16, name, Map.of("timeout", 600), 6), // lock a sync
                IotmpMessage.of(MessageType.RUN, 17, List.of("other", name), null, 3), // call a device
                IotmpMessage.of(MessageType.RUN, 18, name, "v", 5), // write a bucket
                IotmpMessage.of(MessageType.RUN, 20, name, "v", 4), // call an endpoint
                IotmpMessage.run(19, name, null, "x")); // a server resource
        try (RawIotmpSocket device = new RawIotmpSocket(server.localAddress().getPort())) {
            device.send(IotmpMessage.connect(1, "alice", "esp32", "pw"), Generation.GEN2);
            assertThat(device.readFrameHex()).isEqualTo("01 02 08 01");
            for (IotmpMessage request : refused) {
                device.send(request, Generation.GEN2);
                IotmpMessage answer = device.readMessage(Generation.GEN2);
                assertThat(answer.type()).as("answer to %s", request.streamId()).isEqualTo(MessageType.ERROR);
                assertThat(answer.streamId()).isEqualTo(request.streamId());
                assertThat(answer.parameters()).isEqualTo(400L);
            }
            DeviceConnection session = server.registry().session(new DeviceId("alice", "esp32")).orElseThrow();
            assertThat(session.inspect().get(30, java.util.concurrent.TimeUnit.SECONDS).deviceStreams()).isZero();
        }
        assertThat(server.properties().read(new DeviceId("alice", "esp32"), name)).isNull();
        assertThat(meters.find("iotmp.quota.refusals").tag("quota", "name-invalid").counters().stream()
                .mapToDouble(c -> c.count()).sum()).isEqualTo(refused.size());
    }
}
