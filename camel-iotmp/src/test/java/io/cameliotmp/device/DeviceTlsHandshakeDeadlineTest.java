package io.cameliotmp.device;

import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.testing.Waits;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A device whose server accepts the connection and never answers its TLS hello: the handshake has the device's
 * {@code connectTimeout} (before, Netty's fixed 10 s, whatever the device was given), and the attempt fails for it,
 * with the handshake's timeout as its cause (before, a bare "connection attempt failed" with no cause: the timeout
 * closes the connection without an exception passing the pipeline).
 */
class DeviceTlsHandshakeDeadlineTest {

    @Test
    void aStalledTlsHandshakeFailsTheAttemptAtTheDevicesConnectTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            CompletableFuture<Throwable> failed = new CompletableFuture<>();
            IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(silent.getLocalPort())
                    .tls(SslContextBuilder.forClient().build())
                    .connectTimeout(Duration.ofSeconds(2)).credentials("alice", "esp32", "pw").noReconnect()
                    .build();
            device.onConnectFailed(failed::complete);
            try (Socket accepted = acceptAfterStarting(device, silent)) {
                Throwable why = failed.get(Waits.WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(why).isInstanceOf(SslHandshakeTimeoutException.class)
                        .hasMessageContaining("after 2000ms");
            } finally {
                device.close();
            }
        }
    }

    private static Socket acceptAfterStarting(IotmpDevice device, ServerSocket server) throws Exception {
        device.start();
        server.setSoTimeout((int) Waits.WAIT.toMillis());
        return server.accept();
    }
}
