package io.cameliotmp.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.IotmpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Members with TLS and client authentication: they form a cluster and forward calls over it, and a process whose
 * certificate they do not trust cannot join, even though it trusts theirs and knows their addresses.
 */
class ClusterTlsTest {

    private static final String PASSWORD = "changeit";

    @TempDir
    Path dir;

    private final ClusterNodes nodes = new ClusterNodes();

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void membersWithTrustedCertificatesFormTheClusterAndOthersCannotJoin() throws Exception {
        Path member = keyPair("member");
        Path intruder = keyPair("intruder");
        Path members = trustStore("members", "member");
        Path everyone = trustStore("everyone", "member", "intruder");
        ClusterOptions.Tls memberTls = new ClusterOptions.Tls(member.toString(), PASSWORD, members.toString(),
                PASSWORD);

        List<IotmpServer> started = nodes.customize(options -> options.withTls(memberTls)).start(2);
        for (IotmpServer server : started) {
            org.jgroups.protocols.TCP transport = (org.jgroups.protocols.TCP) ClusterNodes.cluster(server).channel()
                    .getProtocolStack().getTransport();
            assertThat(transport.tls().enabled()).isTrue();
            assertThat(transport.tls().getClientAuth()).isEqualTo(org.jgroups.util.TLSClientAuth.NEED);
        }
        nodes.device(started.get(1), "secure");
        assertThat(started.get(0).send(new DeviceId("alice", "secure"), DeviceRequest.run("temperature", null),
                null).get(60, TimeUnit.SECONDS).payload()).isEqualTo(21L);

        // joining ends when the intruder gives up on the members and forms a cluster of its own
        IotmpServer outsider = nodes.extraMember("intruder", options -> options.withMemberName("intruder")
                .withTls(new ClusterOptions.Tls(intruder.toString(), PASSWORD, everyone.toString(), PASSWORD)));
        assertThat(ClusterNodes.cluster(outsider).members()).containsExactly("intruder");
        assertThat(outsider.locate(new DeviceId("alice", "secure"))).isEmpty();
        for (IotmpServer server : started) {
            assertThat(ClusterNodes.cluster(server).members()).hasSize(2).doesNotContain("intruder");
        }
    }

    /** A PKCS12 key store with one self-signed key pair, made by the JDK's keytool. */
    private Path keyPair(String name) throws Exception {
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASSWORD,
                "-keypass", PASSWORD);
        keytool("-exportcert", "-alias", name, "-keystore", store.toString(), "-storepass", PASSWORD, "-file",
                dir.resolve(name + ".crt").toString());
        return store;
    }

    private Path trustStore(String name, String... certificates) throws Exception {
        Path store = dir.resolve(name + "-trust.p12");
        for (String certificate : certificates) {
            keytool("-importcert", "-noprompt", "-alias", certificate, "-file",
                    dir.resolve(certificate + ".crt").toString(), "-storetype", "PKCS12", "-keystore",
                    store.toString(), "-storepass", PASSWORD);
        }
        return store;
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
    }
}
