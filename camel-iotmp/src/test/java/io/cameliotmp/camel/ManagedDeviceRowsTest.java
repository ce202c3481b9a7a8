package io.cameliotmp.camel;

import java.util.List;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.server.DeviceConnection;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.SessionCounters;
import io.cameliotmp.server.StaticAuthenticator;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.TestPorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A row of JMX {@code listDevices} is read from one connection. It read the device's registration from the listed
 * connection and then its counters by device id: a device that reconnected in between got a row with the old
 * session's number and the new connection's counters. The test puts the reconnect exactly there, between listing the
 * devices and building the rows.
 */
class ManagedDeviceRowsTest {

    private static final int KEEP_ALIVES = 50;

    private IotmpServer server;

    @BeforeEach
    void start() {
        server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(TestPorts.next())
                .authenticator(StaticAuthenticator.parse("alice/*=pw")).build());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private DeviceConnection connection() {
        return server.registry().session(new DeviceId("alice", "esp32")).orElseThrow();
    }

    private static CompositeData onlyRow(TabularData table) {
        assertThat(table.size()).isEqualTo(1);
        return (CompositeData) table.values().iterator().next();
    }

    @Test
    void aDeviceThatReconnectsAfterItWasListedKeepsTheRowOfTheListedConnection() throws Exception {
        int port = server.localAddress().getPort();
        try (RawIotmpSocket first = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
            for (int i = 0; i < KEEP_ALIVES; i++) {
                first.send(IotmpMessage.KEEP_ALIVE, Generation.GEN2);
                first.readFrameHex(); // the echo: the server has counted the keep-alive
            }
            DeviceConnection listedConnection = connection();
            List<ServerViews.ConnectedDevice> listed = ServerViews.connectedDevices(server, "alice", 0,
                    IotmpManagedServer.DEFAULT_LIST_LIMIT);

            try (RawIotmpSocket second = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
                eventually().until(() -> connection() != listedConnection);
                // replaced, its DISCONNECT written and the channel closed: its counters move no more
                eventually().until(() -> !listedConnection.isActive());
                DeviceConnection newConnection = connection();
                SessionCounters listedCounters = listedConnection.counters();
                SessionCounters newCounters = newConnection.counters();
                assertThat(listedCounters.bytesIn()).as("the first connection sent more")
                        .isGreaterThan(newCounters.bytesIn());

                CompositeData row = onlyRow(IotmpManagedServer.deviceTable(listed));
                assertThat(row.get("session")).isEqualTo(listedConnection.registration().sessionNumber());
                assertThat(row.get("bytesIn")).as("the counters of the listed session")
                        .isEqualTo(listedCounters.bytesIn());
                assertThat(row.get("bytesOut")).isEqualTo(listedCounters.bytesOut());

                CompositeData now = onlyRow(new IotmpManagedServer(server).listDevices("alice"));
                assertThat(now.get("session")).isEqualTo(newConnection.registration().sessionNumber());
                assertThat(now.get("bytesIn")).isEqualTo(newCounters.bytesIn());
            }
        }
    }
}
