package io.cameliotmp.device;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;

import io.cameliotmp.protocol.Generation;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;

/**
 * The configuration of an {@link IotmpDevice}, as {@link IotmpDeviceBuilder} validated it; see the builder's methods
 * for the meaning and default of each value.
 *
 * @param group       a shared event loop group, or null for a group of the device's own
 * @param idGenerator candidate stream ids, or null to draw them from {@code random}
 * @param maxPendingWriteBytes bytes queued for a server that does not read before the connection is closed
 * @param serverSilenceTimeout how long the server may send nothing before the connection is closed; zero for no
 *                             limit
 * @param maxDecodedFrameBytes estimated heap the decoded values of one frame of the server may take
 */
public record DeviceClientConfig(String host, int port, String user, String device, String credential,
                                 Generation generation, ServiceLayout serviceLayout, Duration keepAlive,
                                 Duration backoffInitial, Duration backoffMax, Duration requestTimeout,
                                 Duration connectTimeout, EventLoopGroup group, Class<? extends Channel> channelType,
                                 SocketAddress localAddress, Executor handlerExecutor, int maxFrameSize,
                                 SslContext sslContext, String webSocketPath, boolean webSocketTextFrames,
                                 Random random, IntSupplier idGenerator, int maxPendingWriteBytes,
                                 Duration serverSilenceTimeout, long maxDecodedFrameBytes, int maxHandlersInFlight,
                                 int maxServerStreams, Duration minStreamInterval) {

    /** Whether reconnecting is enabled: a maximum backoff of zero disables it. */
    public boolean reconnects() {
        return !backoffMax.isZero();
    }
}
