package io.cameliotmp.api;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The device API and its console, {@code camel.iotmp.api.*}: whether they run, and what one HTTP client may make the
 * application hold or wait for.
 *
 * @param enabled             whether the device API (routes, streams, console) is added to the application; off
 *                            unless set, as it opens devices to HTTP
 * @param maxBodySize         the largest request body accepted; a larger one is answered 413 before it is read
 *                            further (64 KB, well below an IOTMP frame's 256 KiB)
 * @param bodyReadTimeout     how long a request body may take to arrive whole; a slower one is answered 408 (it is
 *                            read without holding a thread, but not for ever)
 * @param streamReconnectWait how long a stream waits for its device to come back after it disconnected; past it the
 *                            stream ends with a {@code failed} event (samples resume if the device comes back in time)
 * @param consolePath         where the web console is served, ending with {@code /} ({@code /} for the root)
 * @param consoleEnabled      whether the web console is served
 */
@ConfigurationProperties(IotmpApiProperties.PREFIX)
public record IotmpApiProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("64KB") DataSize maxBodySize,
        @DefaultValue("10s") Duration bodyReadTimeout,
        @DefaultValue("60s") Duration streamReconnectWait,
        @DefaultValue("/console/") String consolePath,
        @DefaultValue("true") boolean consoleEnabled) {

    /** The prefix of the properties. */
    public static final String PREFIX = "camel.iotmp.api";

    public IotmpApiProperties {
        if (maxBodySize.toBytes() < 1 || maxBodySize.toBytes() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(PREFIX + ".max-body-size must be from 1 byte to 2 GB: " + maxBodySize);
        }
        if (bodyReadTimeout.isNegative() || bodyReadTimeout.isZero()) {
            throw new IllegalArgumentException(PREFIX + ".body-read-timeout must be positive: " + bodyReadTimeout);
        }
        if (streamReconnectWait.isNegative()) {
            throw new IllegalArgumentException(PREFIX + ".stream-reconnect-wait must not be negative: "
                                               + streamReconnectWait);
        }
        if (!consolePath.startsWith("/") || !consolePath.endsWith("/") || consolePath.contains("*")) {
            throw new IllegalArgumentException(PREFIX + ".console-path must start and end with / and have no"
                                               + " wildcard: " + consolePath);
        }
    }
}
