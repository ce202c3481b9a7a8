package io.cameliotmp.device;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults a test or a simulation injects into a device's connection ({@link IotmpDevice#faults()}): what a crashing
 * board, a lost network or a broken client does. Applications have no use for it.
 */
public final class DeviceFaults {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceFaults.class);

    private final IotmpDevice device;
    private final DeviceLoop loop;

    DeviceFaults(IotmpDevice device, DeviceLoop loop) {
        this.device = device;
        this.loop = loop;
    }

    /**
     * Drops the connection abruptly (TCP reset, no DISCONNECT), as a crashing device or a lost network would. The
     * reconnection policy applies as for any lost connection.
     */
    public void dropConnection() {
        loop.run(() -> {
            ClientConnection current = device.currentSession();
            if (current != null && current.channel != null) {
                try {
                    current.channel.config().setOption(ChannelOption.SO_LINGER, 0);
                } catch (RuntimeException e) {
                    LOG.debug("{}: could not set SO_LINGER for an abrupt close: {}", device, e.toString());
                }
                current.channel.close();
            }
        });
    }

    /** Sends raw bytes on the connection, e.g. a malformed frame for a conformance test of a server. */
    public CompletionStage<Void> sendRaw(byte[] bytes) {
        byte[] copy = bytes.clone();
        CompletableFuture<Void> sent = new CompletableFuture<>();
        loop.run(sent, () -> DeviceLoop.propagate(
                device.connectedSession().channel.writeAndFlush(Unpooled.wrappedBuffer(copy)), sent));
        return sent;
    }
}
