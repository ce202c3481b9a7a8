package io.cameliotmp.examples.quickstart;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits of the HTTP side, {@code quickstart.http.*}: what one client may make the application hold or wait for.
 *
 * @param maxBodySize         the largest request body accepted; a larger one is answered 413 before it is read
 *                            further (64 KB, well below an IOTMP frame's 256 KiB)
 * @param bodyReadTimeout     how long a request body may take to arrive whole; a slower one is answered 408 (it is
 *                            read without holding a thread, but not for ever)
 * @param streamReconnectWait how long a Server-Sent Events stream waits for its device to come back after it
 *                            disconnected; past it the stream ends with a {@code failed} event (samples resume if the
 *                            device comes back in time)
 */
@ConfigurationProperties("quickstart.http")
public record HttpProperties(
        @DefaultValue("64KB") DataSize maxBodySize,
        @DefaultValue("10s") Duration bodyReadTimeout,
        @DefaultValue("60s") Duration streamReconnectWait) {

    public HttpProperties {
        if (maxBodySize.toBytes() < 1 || maxBodySize.toBytes() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("quickstart.http.max-body-size must be from 1 byte to 2 GB: "
                                               + maxBodySize);
        }
        if (bodyReadTimeout.isNegative() || bodyReadTimeout.isZero()) {
            throw new IllegalArgumentException("quickstart.http.body-read-timeout must be positive: "
                                               + bodyReadTimeout);
        }
        if (streamReconnectWait.isNegative()) {
            throw new IllegalArgumentException("quickstart.http.stream-reconnect-wait must not be negative: "
                                               + streamReconnectWait);
        }
    }
}
