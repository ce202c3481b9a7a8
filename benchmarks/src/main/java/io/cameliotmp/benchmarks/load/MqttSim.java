package io.cameliotmp.benchmarks.load;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;

/**
 * Simulated MQTT 3.1.1 devices (Netty's MQTT codec): CONNECT with user name and password, SUBSCRIBE to
 * {@code bench/dev-N/req} (a device must receive requests); a device is connected once its SUBACK arrives. Each
 * request is answered on {@code bench/dev-N/res} with the request's payload; samples are QoS 0 PUBLISHes of the
 * 34-byte JSON {"temperature":23.5,"humidity":60} to {@code bench/dev-N/sample}. Keep-alive: PINGREQ.
 */
final class MqttSim extends TcpSim {

    private static final MqttMessage PINGREQ = new MqttMessage(
            new MqttFixedHeader(MqttMessageType.PINGREQ, false, MqttQoS.AT_MOST_ONCE, false, 0));

    MqttSim(Args args) {
        super(args);
    }

    @Override
    void initPipeline(ChannelPipeline pipeline, Dev dev) {
        pipeline.addLast("decoder", new MqttDecoder());
        pipeline.addLast("encoder", MqttEncoder.INSTANCE);
        pipeline.addLast("device", new Handler(dev));
    }

    @Override
    void writeKeepAlive(Dev dev) {
        dev.ch.writeAndFlush(PINGREQ, dev.ch.voidPromise());
    }

    @Override
    ByteBuf sampleBatch(Dev dev) {
        return dev.batch;
    }

    private ByteBuf batchOf(Dev dev) {
        EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
        ByteBuf batch = Unpooled.directBuffer(64 * batchSamples);
        for (int i = 0; i < batchSamples; i++) {
            encoder.writeOutbound(publish(ServerMain.USER + "/" + dev.name() + "/sample",
                    Unpooled.wrappedBuffer(ServerMain.SAMPLE_JSON)));
            ByteBuf encoded = encoder.readOutbound();
            batch.writeBytes(encoded);
            encoded.release();
        }
        encoder.finishAndReleaseAll();
        return batch;
    }

    private static MqttPublishMessage publish(String topic, ByteBuf payload) {
        return MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_MOST_ONCE).retained(false)
                .payload(payload).build();
    }

    private final class Handler extends SimpleChannelInboundHandler<MqttMessage> {
        private final Dev dev;
        private String responseTopic;

        Handler(Dev dev) {
            this.dev = dev;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            dev.ch = ctx.channel();
            responseTopic = ServerMain.USER + "/" + dev.name() + "/res";
            int ka = keepAliveSeconds > 0 ? keepAliveSeconds : 60;
            ctx.writeAndFlush(MqttMessageBuilders.connect().clientId(dev.name()).protocolVersion(MqttVersion.MQTT_3_1_1)
                    .username(ServerMain.USER).password(ServerMain.CREDENTIAL.getBytes(StandardCharsets.UTF_8))
                    .keepAlive(ka).cleanSession(true).build(), ctx.voidPromise());
            dev.lastWrite = System.nanoTime();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MqttMessage m) {
            if (m.decoderResult().isFailure()) {
                ctx.close();
                return;
            }
            switch (m.fixedHeader().messageType()) {
                case CONNACK -> {
                    if (((MqttConnAckMessage) m).variableHeader().connectReturnCode()
                            != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                        settle(dev, false);
                        ctx.close();
                        return;
                    }
                    ctx.writeAndFlush(MqttMessageBuilders.subscribe().messageId(1)
                            .addSubscription(MqttQoS.AT_MOST_ONCE, ServerMain.USER + "/" + dev.name() + "/req")
                            .build(), ctx.voidPromise());
                    dev.lastWrite = System.nanoTime();
                }
                case SUBACK -> {
                    dev.batch = batchOf(dev);
                    settle(dev, true);
                }
                case PUBLISH -> {
                    if (!dev.silent) {
                        MqttPublishMessage request = (MqttPublishMessage) m;
                        ctx.writeAndFlush(publish(responseTopic, request.content().retain()), ctx.voidPromise());
                        dev.lastWrite = System.nanoTime();
                    }
                }
                default -> {
                }
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            writable(dev);
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed(dev);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
