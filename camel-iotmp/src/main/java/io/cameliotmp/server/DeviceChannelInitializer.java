package io.cameliotmp.server;

import io.netty.channel.Channel;

/**
 * Builds the Netty pipeline of an accepted device connection, the way camel-netty's {@code ServerInitializerFactory}
 * lets users shape theirs: add handlers of your own around the server's, then call
 * {@link DevicePipeline#addDefaults()}. (Behind a load balancer that speaks the PROXY protocol, use the server's
 * {@code proxyProtocol} option rather than a decoder here: admission by address runs before this initializer.)
 * The default adds the server's handlers and nothing else.
 */
@FunctionalInterface
public interface DeviceChannelInitializer {

    /** The server's own pipeline, unchanged. */
    DeviceChannelInitializer DEFAULT = (channel, pipeline) -> pipeline.addDefaults();

    /**
     * Called on the channel's I/O thread for every admitted connection. Must end by adding the IOTMP protocol
     * handlers ({@link DevicePipeline#addProtocol()} or {@link DevicePipeline#addDefaults()}), after any transport
     * handlers of its own.
     */
    void initChannel(Channel channel, DevicePipeline pipeline);
}
