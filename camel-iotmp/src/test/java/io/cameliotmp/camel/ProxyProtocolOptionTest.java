package io.cameliotmp.camel;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.testing.RawIotmpSocket;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The proxyProtocol option reaches the server: a device behind a balancer is registered with its own address. */
class ProxyProtocolOptionTest extends IotmpCamelTestSupport {

    @Override
    protected String deviceCredentials() {
        return "alice/esp32=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:server:echo?port=" + port + "&proxyProtocol=true").setBody(simple("${body}"));
            }
        };
    }

    @Test
    void theDeviceIsRegisteredWithTheAddressOfItsHeader() throws Exception {
        IotmpServer server = context.getComponent("iotmp", IotmpComponent.class).servers().running().get(0);
        assertThat(server.config().proxyProtocol()).isTrue();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write("PROXY TCP4 203.0.113.7 10.0.0.1 40001 25204\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            RawIotmpSocket device = new RawIotmpSocket(socket);
            device.send(IotmpMessage.connect(1, "alice", "esp32", "pw"), Generation.GEN2);
            assertThat(device.readFrameHex()).isEqualTo("01 02 08 01");
            assertThat(server.registry().registration(new DeviceId("alice", "esp32")).orElseThrow().remoteAddress())
                    .isEqualTo(new InetSocketAddress("203.0.113.7", 40001));
        }
    }
}
