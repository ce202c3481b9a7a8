package io.cameliotmp.server;

import java.net.SocketAddress;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * The address of the device at the other end of a connection: the source address of its PROXY protocol header
 * when the server sits behind a load balancer ({@code proxyProtocol}), else the TCP peer's. What the server
 * reasons about per address (blocks, rates, unauthenticated connections, failed authentications) and what it
 * reports (registrations, logs, views) uses this, never {@code channel.remoteAddress()} directly, which behind a
 * balancer is the balancer for every device.
 */
public final class DeviceAddress {

    /** Set once, by {@link ProxyProtocolHandler}, before anything of the connection is read beyond the header. */
    static final AttributeKey<SocketAddress> KEY = AttributeKey.valueOf(DeviceAddress.class, "deviceAddress");

    private DeviceAddress() {
    }

    /** The device's address on {@code channel}: the one its PROXY header told, else the TCP peer's. */
    public static SocketAddress of(Channel channel) {
        SocketAddress told = channel.attr(KEY).get();
        return told != null ? told : channel.remoteAddress();
    }
}
