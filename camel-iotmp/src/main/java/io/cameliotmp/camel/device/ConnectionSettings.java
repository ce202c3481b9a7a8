package io.cameliotmp.camel.device;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpDeviceBuilder;
import io.cameliotmp.device.ServiceLayout;
import io.cameliotmp.protocol.Generation;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * What one device connection is: its key ({@link #key()}: host, port, user, device) and the options every endpoint
 * sharing it must agree on. Equal settings share one connection.
 *
 * @param sslContextParameters compared by identity, as the component builds one TLS context per bean
 */
record ConnectionSettings(String host, int port, String user, String device, String credential, long requestTimeout,
                          boolean tls, SSLContextParameters sslContextParameters, boolean trustAllCertificates,
                          String webSocketPath, boolean webSocketTextFrames, Generation generation,
                          ServiceLayout serviceLayout, long keepAlive, long reconnectBackoffInitial,
                          long reconnectBackoffMax, long connectTimeout, Bounds bounds) {

    /** The device's bounds against its server (IotmpDeviceBuilder's options of the same names). */
    record Bounds(int maxPendingWriteBytes, Long serverSilenceTimeout, long maxDecodedFrameBytes,
                  int maxHandlersInFlight, int maxServerStreams, long minStreamInterval) {
    }

    /** Which device connection: one per host, port, user and device. */
    record Key(String host, int port, String user, String device) {
        @Override
        public String toString() {
            return user + "/" + device + "@" + host + ":" + port;
        }
    }

    /**
     * The settings an endpoint's options describe.
     *
     * @param  globalSsl                the context's global SSL parameters when the component uses them, else null
     * @throws IllegalArgumentException when a required option is missing or the options contradict each other
     */
    static ConnectionSettings of(IotmpDeviceConfiguration config, SSLContextParameters globalSsl) {
        List<String> missing = new ArrayList<>();
        if (isBlank(config.getHost())) {
            missing.add("host");
        }
        if (isBlank(config.getUser())) {
            missing.add("user");
        }
        if (isBlank(config.getDevice())) {
            missing.add("device");
        }
        if (config.getCredential() == null) {
            missing.add("credential");
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("iotmp-device needs the options " + String.join(", ", missing)
                                               + " (on the component or the endpoint) to know which device to"
                                               + " connect as");
        }
        SSLContextParameters ssl = config.getSslContextParameters() != null
                ? config.getSslContextParameters() : config.isTls() ? globalSsl : null;
        boolean tls = config.isTls() || config.getSslContextParameters() != null;
        if (config.isTrustAllCertificates() && !tls) {
            throw new IllegalArgumentException("trustAllCertificates needs TLS: set tls=true (or"
                                               + " sslContextParameters)");
        }
        if (config.getWebSocketPath() != null && !config.getWebSocketPath().startsWith("/")) {
            throw new IllegalArgumentException("webSocketPath must start with '/': " + config.getWebSocketPath());
        }
        ConnectionSettings settings = new ConnectionSettings(config.getHost(), config.getPort(), config.getUser(),
                config.getDevice(), config.getCredential(), config.getRequestTimeout(), tls, ssl,
                config.isTrustAllCertificates(), config.getWebSocketPath(), config.isWebSocketTextFrames(),
                config.getGeneration(), config.getServiceLayout(), config.getKeepAlive(),
                config.getReconnectBackoffInitial(), config.getReconnectBackoffMax(), config.getConnectTimeout(),
                new Bounds(config.getMaxPendingWriteBytes(), config.getServerSilenceTimeout(),
                        config.getMaxDecodedFrameBytes(), config.getMaxHandlersInFlight(),
                        config.getMaxServerStreams(), config.getMinStreamInterval()));
        settings.deviceBuilder(); // a value the device client refuses fails the endpoint now, not the route's start
        return settings;
    }

    /**
     * The device client's builder with these settings, but for the TLS context and the handler executor. Its checks
     * of each value are the options' checks, so both refuse the same values.
     *
     * @throws IllegalArgumentException naming the option whose value the device client refuses
     */
    IotmpDeviceBuilder deviceBuilder() {
        IotmpDeviceBuilder builder = IotmpDevice.builder().host(host).credentials(user, device, credential)
                .generation(generation).serviceLayout(serviceLayout);
        check("port", () -> builder.port(port));
        check("keepAlive", () -> builder.keepAlive(Duration.ofMillis(requireASecondOrMore(keepAlive))));
        check("reconnectBackoffInitial/reconnectBackoffMax", () -> builder.reconnectBackoff(
                Duration.ofMillis(reconnectBackoffInitial), Duration.ofMillis(reconnectBackoffMax)));
        check("requestTimeout", () -> builder.requestTimeout(Duration.ofMillis(requestTimeout)));
        check("connectTimeout", () -> builder.connectTimeout(Duration.ofMillis(connectTimeout)));
        check("maxHandlersInFlight", () -> builder.maxHandlersInFlight(bounds.maxHandlersInFlight()));
        check("maxServerStreams", () -> builder.maxServerStreams(bounds.maxServerStreams()));
        check("minStreamInterval", () -> builder.minStreamInterval(Duration.ofMillis(bounds.minStreamInterval())));
        check("maxPendingWriteBytes", () -> builder.maxPendingWriteBytes(bounds.maxPendingWriteBytes()));
        check("maxDecodedFrameBytes", () -> builder.maxDecodedFrameBytes(bounds.maxDecodedFrameBytes()));
        if (bounds.serverSilenceTimeout() != null) {
            check("serverSilenceTimeout",
                    () -> builder.serverSilenceTimeout(Duration.ofMillis(bounds.serverSilenceTimeout())));
        }
        if (webSocketPath != null) {
            check("webSocketPath", () -> builder.webSocket(webSocketPath, webSocketTextFrames));
        }
        return builder;
    }

    /**
     * The server's keepAlive is in seconds (as a device announces it), this one in milliseconds: keepAlive=60, as the
     * server's option reads, sent a KEEP_ALIVE 16 times a second. No device needs one more often than a second (the
     * least a server takes), so a value below it is most likely seconds.
     */
    private static long requireASecondOrMore(long keepAlive) {
        if (keepAlive > 0 && keepAlive < 1000) {
            throw new IllegalArgumentException("is in milliseconds and 1 second or more (0 sends none), not "
                                               + keepAlive + " ms; for " + keepAlive + " seconds write "
                                               + keepAlive + "s or " + keepAlive * 1000);
        }
        return keepAlive;
    }

    private static void check(String option, Runnable set) {
        try {
            set.run();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("iotmp-device option " + option + ": " + e.getMessage(), e);
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    Key key() {
        return new Key(host, port, user, device);
    }

    /** The names of the options that differ from {@code other}'s; never their values (one is a credential). */
    List<String> differences(ConnectionSettings other) {
        List<String> names = new ArrayList<>();
        compare(names, "credential", credential, other.credential);
        compare(names, "requestTimeout", requestTimeout, other.requestTimeout);
        compare(names, "tls", tls, other.tls);
        if (sslContextParameters != other.sslContextParameters) {
            names.add("sslContextParameters");
        }
        compare(names, "trustAllCertificates", trustAllCertificates, other.trustAllCertificates);
        compare(names, "webSocketPath", webSocketPath, other.webSocketPath);
        compare(names, "webSocketTextFrames", webSocketTextFrames, other.webSocketTextFrames);
        compare(names, "generation", generation, other.generation);
        compare(names, "serviceLayout", serviceLayout, other.serviceLayout);
        compare(names, "keepAlive", keepAlive, other.keepAlive);
        compare(names, "reconnectBackoffInitial", reconnectBackoffInitial, other.reconnectBackoffInitial);
        compare(names, "reconnectBackoffMax", reconnectBackoffMax, other.reconnectBackoffMax);
        compare(names, "connectTimeout", connectTimeout, other.connectTimeout);
        compare(names, "maxPendingWriteBytes", bounds.maxPendingWriteBytes, other.bounds.maxPendingWriteBytes);
        compare(names, "serverSilenceTimeout", bounds.serverSilenceTimeout, other.bounds.serverSilenceTimeout);
        compare(names, "maxDecodedFrameBytes", bounds.maxDecodedFrameBytes, other.bounds.maxDecodedFrameBytes);
        compare(names, "maxHandlersInFlight", bounds.maxHandlersInFlight, other.bounds.maxHandlersInFlight);
        compare(names, "maxServerStreams", bounds.maxServerStreams, other.bounds.maxServerStreams);
        compare(names, "minStreamInterval", bounds.minStreamInterval, other.bounds.minStreamInterval);
        return names;
    }

    private static void compare(List<String> names, String name, Object mine, Object theirs) {
        if (!Objects.equals(mine, theirs)) {
            names.add(name);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ConnectionSettings settings && key().equals(settings.key())
               && differences(settings).isEmpty();
    }

    @Override
    public int hashCode() {
        return key().hashCode();
    }

    /** Without the credential. */
    @Override
    public String toString() {
        return key() + (tls ? " tls" : "") + (webSocketPath != null ? " ws" + webSocketPath : "") + " " + generation
               + " " + serviceLayout;
    }
}
