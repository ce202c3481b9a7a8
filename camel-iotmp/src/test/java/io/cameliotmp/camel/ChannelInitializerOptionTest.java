package io.cameliotmp.camel;

import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.server.DeviceChannelInitializer;
import io.cameliotmp.testing.RawIotmpSocket;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.apache.camel.BindToRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The channelInitializer option: an application's handlers around the server's, from a bean in the registry. */
class ChannelInitializerOptionTest extends IotmpCamelTestSupport {

    private final AtomicInteger connectionsSeen = new AtomicInteger();

    @Override
    protected String deviceCredentials() {
        return "alice/esp32=pw";
    }

    @BindToRegistry("counting")
    private final DeviceChannelInitializer counting = (channel, pipeline) -> {
        channel.pipeline().addLast("count", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                connectionsSeen.incrementAndGet();
                ctx.fireChannelActive();
            }
        });
        pipeline.addDefaults();
    };

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:server:echo?port=" + port + "&channelInitializer=#counting").setBody(simple("${body}"));
            }
        };
    }

    @Test
    void theApplicationsHandlerSeesEveryConnectionAndTheServerStillServesIt() throws Exception {
        try (RawIotmpSocket device = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
            device.send(IotmpMessage.run(9, "echo", null, "hi"), Generation.GEN2);
            assertThat(device.readMessage(Generation.GEN2)).isEqualTo(IotmpMessage.ok(9, "hi"));
        }
        assertThat(connectionsSeen.get()).isEqualTo(1);
    }
}
