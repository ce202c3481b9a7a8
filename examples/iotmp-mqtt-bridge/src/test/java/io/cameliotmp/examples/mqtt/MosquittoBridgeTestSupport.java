package io.cameliotmp.examples.mqtt;

import java.nio.file.Path;
import java.time.Duration;

import io.cameliotmp.test.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge against a real Mosquitto of the test class's own (started before the class, stopped after it, on a free
 * port), for what an embedded broker does not do as Mosquitto does: retained messages, a process that hangs.
 */
abstract class MosquittoBridgeTestSupport extends BridgeTestSupport {

    protected static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path brokerDir;
    /** The class's broker; its port is chosen before the bridge, which connects to it, is made. */
    protected static MosquittoBroker broker;
    private static int brokerPort;

    @BeforeAll
    static void startBroker() throws Exception {
        brokerPort = FreePorts.next();
        broker = MosquittoBroker.start(brokerPort, brokerDir, WAIT);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    @Override
    protected int brokerPort() {
        return brokerPort;
    }
}
