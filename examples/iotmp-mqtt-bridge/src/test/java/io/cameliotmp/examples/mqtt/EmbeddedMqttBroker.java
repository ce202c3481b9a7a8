package io.cameliotmp.examples.mqtt;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Properties;

import io.moquette.BrokerConstants;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;

/**
 * A real MQTT broker (Moquette) in this JVM on loopback, without persistence or telemetry, for the tests and the
 * demo.
 */
final class EmbeddedMqttBroker implements AutoCloseable {

    private final Server broker;
    private final int port;

    private EmbeddedMqttBroker(Server broker, int port) {
        this.broker = broker;
        this.port = port;
    }

    /** Starts a broker on {@code 127.0.0.1:port}, keeping its (few) files in {@code dataDir}. */
    static EmbeddedMqttBroker start(int port, Path dataDir) throws IOException {
        Properties config = new Properties();
        config.setProperty(BrokerConstants.HOST_PROPERTY_NAME, "127.0.0.1");
        config.setProperty(BrokerConstants.PORT_PROPERTY_NAME, String.valueOf(port));
        config.setProperty(BrokerConstants.WEB_SOCKET_PORT_PROPERTY_NAME, BrokerConstants.DISABLED_PORT_BIND);
        config.setProperty(BrokerConstants.PERSISTENCE_ENABLED_PROPERTY_NAME, "false");
        config.setProperty(BrokerConstants.DATA_PATH_PROPERTY_NAME, dataDir.toString());
        config.setProperty(BrokerConstants.ALLOW_ANONYMOUS_PROPERTY_NAME, "true");
        config.setProperty(BrokerConstants.ENABLE_TELEMETRY_NAME, "false"); // Moquette reports usage home otherwise
        Server broker = new Server();
        broker.startServer(new MemoryConfig(config));
        return new EmbeddedMqttBroker(broker, port);
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        broker.stopServer();
    }
}
