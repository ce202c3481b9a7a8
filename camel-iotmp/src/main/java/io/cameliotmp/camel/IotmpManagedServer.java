package io.cameliotmp.camel;

import java.util.List;
import java.util.Map;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;
import javax.management.openmbean.TabularData;
import javax.management.openmbean.TabularDataSupport;
import javax.management.openmbean.TabularType;

import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.SessionCounters;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedOperation;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.util.json.Jsoner;

/**
 * The JMX view of one running embedded server, registered through the Camel context's management strategy as
 * {@code org.apache.camel:context=…,type=iotmp,name="host:port"} while the server runs.
 */
@ManagedResource(description = "An embedded IOTMP server: its devices, counts and limits")
public class IotmpManagedServer {

    private static final String[] DEVICE_ITEMS = { "user", "device", "session", "generation", "remoteAddress",
            "connectedAt", "keepAliveSeconds", "inFlight", "samplesIn", "samplesDropped", "bytesIn", "bytesOut" };
    private static final OpenType<?>[] DEVICE_TYPES = { SimpleType.STRING, SimpleType.STRING, SimpleType.LONG,
            SimpleType.STRING, SimpleType.STRING, SimpleType.STRING, SimpleType.INTEGER, SimpleType.INTEGER,
            SimpleType.LONG, SimpleType.LONG, SimpleType.LONG, SimpleType.LONG };

    /** Devices {@link #listDevices(String)} lists at most: as many as the dev console shows by default. */
    public static final int DEFAULT_LIST_LIMIT = IotmpDevConsole.DEFAULT_LIMIT;

    private final IotmpServer server;

    public IotmpManagedServer(IotmpServer server) {
        this.server = server;
    }

    IotmpServer server() {
        return server;
    }

    @ManagedAttribute(description = "Address the server listens on")
    public String getHost() {
        return server.config().host();
    }

    @ManagedAttribute(description = "Port the server listens on (the one bound when configured as 0)")
    public int getPort() {
        return server.port();
    }

    @ManagedAttribute(description = "What devices speak: iotmp, iotmps (TLS), ws or wss")
    public String getProtocol() {
        return ServerViews.protocol(server.config());
    }

    @ManagedAttribute(description = "Whether the server is listening")
    public boolean isRunning() {
        return server.isRunning();
    }

    @ManagedAttribute(description = "Devices connected now")
    public int getConnectedDevices() {
        return server.registry().size();
    }

    @ManagedAttribute(description = "Devices accepted since the server started")
    public long getDevicesAccepted() {
        return server.totals().connected();
    }

    @ManagedAttribute(description = "Connections of accepted devices that ended")
    public long getDevicesDisconnected() {
        return server.totals().disconnected();
    }

    @ManagedAttribute(description = "CONNECTs refused by authentication, blocked device ids included")
    public long getConnectionsRefused() {
        return server.totals().refused();
    }

    @ManagedAttribute(description = "Connections closed on arrival by maxConnections, maxConnectionsPerSecond or a"
                                    + " blocked address")
    public long getConnectionsRejected() {
        return server.totals().rejected();
    }

    @ManagedAttribute(description = "Requests of the server to devices that ended")
    public long getRequests() {
        return server.totals().requests();
    }

    @ManagedAttribute(description = "Requests answered with ERROR or failed by a disconnect")
    public long getRequestsFailed() {
        return server.totals().requestsFailed();
    }

    @ManagedAttribute(description = "Requests not answered in time")
    public long getRequestsTimedOut() {
        return server.totals().requestsTimedOut();
    }

    @ManagedAttribute(description = "Calls forwarded to the cluster member holding the device that ended")
    public long getForwardedCalls() {
        return server.totals().forwardedCalls();
    }

    @ManagedAttribute(description = "Forwarded calls answered with ERROR or failed by a disconnect or a member leaving")
    public long getForwardedCallsFailed() {
        return server.totals().forwardedCallsFailed();
    }

    @ManagedAttribute(description = "Forwarded calls not answered in time")
    public long getForwardedCallsTimedOut() {
        return server.totals().forwardedCallsTimedOut();
    }

    @ManagedAttribute(description = "Devices a firmware update of this server runs on now")
    public int getFirmwareUpdatesRunning() {
        return server.firmwareUpdates().running();
    }

    @ManagedAttribute(description = "Firmware updates of this server that ended, whatever the outcome")
    public long getFirmwareUpdates() {
        return server.totals().firmwareUpdates();
    }

    @ManagedAttribute(description = "Firmware updates that failed for another reason than a timeout, refused ones"
                                    + " included")
    public long getFirmwareUpdatesFailed() {
        return server.totals().firmwareUpdatesFailed();
    }

    @ManagedAttribute(description = "Firmware updates whose device did not answer a step or come back in time")
    public long getFirmwareUpdatesTimedOut() {
        return server.totals().firmwareUpdatesTimedOut();
    }

    @ManagedAttribute(description = "Stream samples received")
    public long getSamplesReceived() {
        return server.totals().samplesReceived();
    }

    @ManagedAttribute(description = "Stream samples dropped by backpressurePolicy=DROP_SAMPLES")
    public long getSamplesDropped() {
        return server.totals().samplesDropped();
    }

    @ManagedAttribute(description = "Times a connection stopped reading its device because its work in flight "
                                    + "reached maxInFlight or maxDecodedFrameBytes")
    public long getReadingPauses() {
        return server.totals().readingPauses();
    }

    @ManagedAttribute(description = "Connections closed because more than maxPendingWriteBytes were queued for a "
                                    + "peer that does not read")
    public long getPendingWritesExceeded() {
        return server.totals().pendingWritesExceeded();
    }

    @ManagedAttribute(description = "WebSocket pings not answered because the connection was not writable (its peer "
                                    + "does not read) or closing")
    public long getWebSocketPingsUnanswered() {
        return server.totals().webSocketPingsUnanswered();
    }

    @ManagedAttribute(description = "WebSocket connections closed because their peer broke the WebSocket protocol")
    public long getWebSocketProtocolViolations() {
        return server.totals().webSocketProtocolViolations();
    }

    @ManagedAttribute(description = "Frames legacy devices sent after their AUTH was answered that the server "
                                    + "ignored")
    public long getLegacyFramesIgnored() {
        return server.totals().legacyFramesIgnored();
    }

    @ManagedAttribute(description = "Bytes received, TLS and WebSocket framing included")
    public long getBytesIn() {
        return server.totals().bytesIn();
    }

    @ManagedAttribute(description = "Bytes sent, TLS and WebSocket framing included")
    public long getBytesOut() {
        return server.totals().bytesOut();
    }

    @ManagedAttribute(description = "Open device connections at most")
    public int getMaxConnections() {
        return server.config().maxConnections();
    }

    @ManagedAttribute(description = "Stream samples and calls per device in progress at most")
    public int getMaxInFlight() {
        return server.config().maxInFlight();
    }

    @ManagedAttribute(description = "What happens at maxInFlight: PAUSE or DROP_SAMPLES")
    public String getBackpressurePolicy() {
        return server.config().backpressurePolicy().name();
    }

    @ManagedOperation(description = "The connected devices, of one user or of all (empty or *), sorted by user and"
                                    + " device: the first 100 (ConnectedDevices counts all; listDevices(user, limit)"
                                    + " lists more)")
    public TabularData listDevices(String user) throws OpenDataException {
        return listDevices(user, DEFAULT_LIST_LIMIT);
    }

    /**
     * The first {@code limit} connected devices (none for 0 or less): the table is built in the server's memory and
     * sent whole, so a server with a million devices must not build it for every call of a console.
     */
    @ManagedOperation(description = "The first limit connected devices, of one user or of all (empty or *), sorted"
                                    + " by user and device (none for a limit of 0 or less)")
    public TabularData listDevices(String user, int limit) throws OpenDataException {
        return listDevicesPage(user, 0, limit);
    }

    /**
     * A page of the connected devices: {@code limit} of them after the first {@code offset}, as the dev console's
     * options of those names, so that an operator reads a server with more devices than a page page by page. Its own
     * name rather than a third {@code listDevices}: Jolokia (hawtio) calls an overloaded operation only with its
     * signature spelled out, and jconsole shows overloads as buttons of one name told apart by their parameters alone.
     */
    @ManagedOperation(description = "The limit connected devices after the first offset, of one user or of all (empty"
                                    + " or *), sorted by user and device (none for a limit of 0 or less, or an offset"
                                    + " past the last): listDevicesPage(user, 0, 100), then (user, 100, 100), ...")
    public TabularData listDevicesPage(String user, int offset, int limit) throws OpenDataException {
        String of = user == null || user.isBlank() || "*".equals(user) ? null : user;
        return deviceTable(ServerViews.connectedDevices(server, of, Math.max(0, offset), limit));
    }

    /**
     * A row per device, each read from one connection: its registration (session number included) and its counters.
     * A device that reconnects while the table is built keeps the row of the connection listed, its counters as that
     * connection left them, rather than that session's number with the new connection's counters.
     */
    static TabularData deviceTable(List<ServerViews.ConnectedDevice> devices) throws OpenDataException {
        CompositeType row = new CompositeType("iotmpDevice", "A connected IOTMP device", DEVICE_ITEMS, DEVICE_ITEMS,
                DEVICE_TYPES);
        TabularDataSupport table = new TabularDataSupport(new TabularType("iotmpDevices", "Connected IOTMP devices",
                row, new String[] { "user", "device" }));
        for (ServerViews.ConnectedDevice device : devices) {
            DeviceRegistration registration = device.registration();
            SessionCounters counters = device.counters();
            table.put(new CompositeDataSupport(row, DEVICE_ITEMS, new Object[] {
                    registration.user(), registration.device(), registration.sessionNumber(),
                    registration.generation().name(), String.valueOf(registration.remoteAddress()),
                    registration.connectedAt().toString(), registration.keepAliveSeconds(), counters.inFlight(),
                    counters.samplesIn(), counters.samplesDropped(), counters.bytesIn(), counters.bytesOut() }));
        }
        return table;
    }

    @ManagedOperation(description = "Disconnects a device (it receives DISCONNECT and may reconnect);"
                                    + " false when it is not connected")
    public boolean disconnectDevice(String user, String device) {
        return server.registry().session(new DeviceId(user, device))
                .map(connection -> {
                    connection.close("disconnected by an operator (JMX)");
                    return true;
                }).orElse(false);
    }

    @ManagedAttribute(description = "Whether the server is draining: it accepts no device and moves its own off")
    public boolean isDraining() {
        return server.isDraining();
    }

    @ManagedOperation(description = "Drains the server for a rolling upgrade: closes its listeners and sends"
                                     + " DISCONNECT to its devices, at most devicesPerSecond a second, so they"
                                     + " reconnect to other cluster members; returns at once")
    public void drain(int devicesPerSecond) {
        server.drain(devicesPerSecond);
    }

    @ManagedOperation(description = "The server, its limits and totals as JSON, as the iotmp dev console shows them")
    public String dumpAsJson() {
        Map<String, Object> json = ServerViews.server(server);
        return Jsoner.serialize(json);
    }
}
