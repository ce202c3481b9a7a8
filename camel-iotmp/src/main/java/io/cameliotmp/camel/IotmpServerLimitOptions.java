package io.cameliotmp.camel;

import java.time.Duration;

import io.cameliotmp.server.ServerLimits;
import io.cameliotmp.server.ServerQuotas;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * The embedded server's limits and quotas as Camel options: what one peer, one remote address, one device or one
 * user may make the server hold. Like every option of {@link IotmpServerOptions} they are server-wide: endpoints
 * that share a server must agree on them. Kept apart from the other server options because they map one to one
 * onto {@link ServerLimits} and {@link ServerQuotas}.
 */
@UriParams
public class IotmpServerLimitOptions {

    @UriParam(label = "security", defaultValue = "" + ServerLimits.DEFAULT_MAX_CONNECTIONS,
              description = "Open device connections at most; beyond it new connections are closed at once.")
    private int maxConnections = ServerLimits.DEFAULT_MAX_CONNECTIONS;

    @UriParam(label = "security", defaultValue = "" + ServerLimits.DEFAULT_MAX_CONNECTIONS_PER_SECOND,
              description = "New connections accepted per second (with one second of burst), so a storm of "
                            + "reconnecting devices cannot starve the server; 0 for no limit.")
    private int maxConnectionsPerSecond = ServerLimits.DEFAULT_MAX_CONNECTIONS_PER_SECOND;

    @UriParam(label = "security", defaultValue = "" + ServerLimits.DEFAULT_MAX_CONNECTIONS_PER_SECOND_PER_ADDRESS,
              description = "New connections accepted per second from one remote address (an IPv6 address by its "
                            + "/64 prefix), with one second of burst, checked before maxConnectionsPerSecond: a "
                            + "connection refused here takes nothing from the server's rate, so one address "
                            + "reconnecting as fast as it can cannot lock every other device out. Raise it when many "
                            + "devices share one address (a carrier-grade NAT, a TCP load balancer in front of the "
                            + "server); 0 for no limit.")
    private int maxConnectionsPerSecondPerAddress = ServerLimits.DEFAULT_MAX_CONNECTIONS_PER_SECOND_PER_ADDRESS;

    @UriParam(label = "security", defaultValue = "" + ServerLimits.DEFAULT_MAX_AUTH_FAILURES_PER_ADDRESS,
              description = "Distinct devices (user and device id) that fail to authenticate from one remote "
                            + "address (an IPv6 address by its /64 prefix) within a minute before that address is "
                            + "refused for authFailureBlock; a device retrying the same wrong credential counts "
                            + "once. 0 for no limit.")
    private int maxAuthFailuresPerAddress = ServerLimits.DEFAULT_MAX_AUTH_FAILURES_PER_ADDRESS;

    @UriParam(label = "security", defaultValue = "" + ServerLimits.DEFAULT_MAX_AUTH_FAILURES_PER_DEVICE,
              description = "Failed authentications per minute of one device id from one remote address before "
                            + "that device is refused from that address for authFailureBlock, doubled at every "
                            + "further block (up to 64 times); the same device from another address is not "
                            + "affected. 0 for no limit.")
    private int maxAuthFailuresPerDevice = ServerLimits.DEFAULT_MAX_AUTH_FAILURES_PER_DEVICE;

    @UriParam(label = "security", defaultValue = "" + ServerLimits.DEFAULT_AUTH_FAILURE_BLOCK_MILLIS,
              javaType = "java.time.Duration",
              description = "How long a remote address, or a device at its first block, is refused after too "
                            + "many failed authentications.")
    private long authFailureBlock = ServerLimits.DEFAULT_AUTH_FAILURE_BLOCK_MILLIS;

    @UriParam(label = "security", defaultValue = "" + ServerLimits.DEFAULT_FRAME_READ_TIMEOUT_MILLIS,
              javaType = "java.time.Duration",
              description = "How long a started frame (IOTMP or WebSocket) may take to arrive completely, checked "
                            + "by a timer; a sender that stalls or drips bytes to look alive is disconnected after it.")
    private long frameReadTimeout = ServerLimits.DEFAULT_FRAME_READ_TIMEOUT_MILLIS;

    @UriParam(label = "security", defaultValue = "" + ServerLimits.DEFAULT_MAX_PENDING_WRITE_BYTES,
              description = "Bytes queued for a device that does not read before it is disconnected.")
    private long maxPendingWriteBytes = ServerLimits.DEFAULT_MAX_PENDING_WRITE_BYTES;

    @UriParam(label = "security", defaultValue = "" + ServerLimits.DEFAULT_MAX_OUTBOUND_FRAME_SIZE,
              description = "Largest frame the server sends a device, in bytes: devices drop the connection on a "
                            + "larger one (IOTMP-Embedded accepts 32 KiB by default, ESP-IDF builds 4 KiB, "
                            + "IOTMP-Linux 256 KiB). A call whose frame would be larger fails with "
                            + "FrameTooLargeForDeviceException and the device stays connected.")
    private int maxOutboundFrameSize = ServerLimits.DEFAULT_MAX_OUTBOUND_FRAME_SIZE;

    @UriParam(label = "security", defaultValue = "" + ServerLimits.DEFAULT_MAX_FRAME_SIZE_BEFORE_LOGIN,
              description = "Largest frame body accepted before the device is authenticated, in bytes (a CONNECT "
                            + "is three short strings); a larger size header closes the connection.")
    private int maxFrameSizeBeforeLogin = ServerLimits.DEFAULT_MAX_FRAME_SIZE_BEFORE_LOGIN;

    @UriParam(label = "security", defaultValue = "" + ServerLimits.DEFAULT_MAX_IDENTIFIER_LENGTH,
              description = "Longest user name and device id accepted in a CONNECT, in characters; a longer one "
                            + "is refused before it is stored or logged, and counts as a failed authentication.")
    private int maxIdentifierLength = ServerLimits.DEFAULT_MAX_IDENTIFIER_LENGTH;

    @UriParam(label = "security", defaultValue = "" + ServerLimits.DEFAULT_MAX_CREDENTIAL_LENGTH,
              description = "Longest credential accepted in a CONNECT, in characters; a longer one is refused and "
                            + "counts as a failed authentication.")
    private int maxCredentialLength = ServerLimits.DEFAULT_MAX_CREDENTIAL_LENGTH;

    @UriParam(label = "security", defaultValue = "" + ServerLimits.DEFAULT_MAX_PARTIAL_FRAME_BYTES,
              description = "Bytes of partially received frames (IOTMP or WebSocket) and TLS records the server "
                            + "holds for all its connections together; a connection whose started frame or record "
                            + "does not fit is closed.")
    private long maxPartialFrameBytes = ServerLimits.DEFAULT_MAX_PARTIAL_FRAME_BYTES;

    @UriParam(label = "security", defaultValue = "" + ServerLimits.DEFAULT_MAX_UNAUTHENTICATED_PER_ADDRESS,
              description = "Connections from one remote address (an IPv6 address by its /64 prefix) whose device "
                            + "has not authenticated yet; beyond it new connections from that address are closed "
                            + "at once. 0 for no limit.")
    private int maxUnauthenticatedPerAddress = ServerLimits.DEFAULT_MAX_UNAUTHENTICATED_PER_ADDRESS;

    @UriParam(label = "security", defaultValue = "" + ServerLimits.DEFAULT_MAX_TRACKED_AUTH_FAILURES,
              description = "Entries kept about failed authentications in each of two tables of fixed-size "
                            + "entries (per address, and per device and address); when one is full an entry that "
                            + "blocks nothing is forgotten first, else the least recently used.")
    private int maxTrackedAuthFailures = ServerLimits.DEFAULT_MAX_TRACKED_AUTH_FAILURES;

    @UriParam(label = "security", defaultValue = "" + ServerLimits.DEFAULT_MAX_TRACKED_CONNECTION_RATES,
              description = "Remote addresses whose connection rate (maxConnectionsPerSecondPerAddress) is kept, in a "
                            + "table of fixed-size entries apart from the failed authentications; when it is full an "
                            + "address whose rate is back to a full second's worth is forgotten first, else the least "
                            + "recently used, which then starts over with a full second's worth.")
    private int maxTrackedConnectionRates = ServerLimits.DEFAULT_MAX_TRACKED_CONNECTION_RATES;

    @UriParam(label = "security", defaultValue = "" + ServerLimits.DEFAULT_MAX_DECODED_FRAME_BYTES,
              description = "Heap the decoded values of one frame may take, in bytes, as the decoder estimates it "
                            + "(a few dozen bytes per map, list, entry and number, strings and byte arrays by their "
                            + "length); a frame beyond it is malformed: closed before authentication, dropped "
                            + "after.")
    private long maxDecodedFrameBytes = ServerLimits.DEFAULT_MAX_DECODED_FRAME_BYTES;

    @UriParam(label = "security", defaultValue = "" + ServerLimits.DEFAULT_MAX_LEGACY_DEVICES_TRACKED,
              description = "Legacy (IOTMP 1) devices whose stream ids the server keeps across their connections, so "
                            + "that samples a device still sends on its previous connection's ids are not taken for "
                            + "a new stream's (a salted hash of the device and an id each); the least recently "
                            + "connected are forgotten first, and a forgotten device's ids start again at a random one "
                            + "of the board's 16 bits.")
    private int maxLegacyDevicesTracked = ServerLimits.DEFAULT_MAX_LEGACY_DEVICES_TRACKED;

    @UriParam(label = "security", defaultValue = "" + ServerQuotas.DEFAULT_MAX_PROPERTIES_PER_DEVICE,
              description = "Properties one device may keep in the in-memory property store; setting one more is "
                            + "refused with ERROR 429.")
    private int maxPropertiesPerDevice = ServerQuotas.DEFAULT_MAX_PROPERTIES_PER_DEVICE;

    @UriParam(label = "security", defaultValue = "" + ServerQuotas.DEFAULT_MAX_PROPERTY_BYTES_PER_DEVICE,
              description = "Bytes of property names and PSON-encoded values one device may keep in the in-memory "
                            + "property store; a write beyond it is refused with ERROR 413.")
    private long maxPropertyBytesPerDevice = ServerQuotas.DEFAULT_MAX_PROPERTY_BYTES_PER_DEVICE;

    @UriParam(label = "security", defaultValue = "" + ServerQuotas.DEFAULT_MAX_PROPERTY_BYTES_PER_USER,
              description = "Bytes of property names and PSON-encoded values all the devices of one user may keep "
                            + "in the in-memory property store together (properties outlive their device's "
                            + "connection, and an authenticator may accept any device id of a user); a write beyond "
                            + "it is refused with ERROR 413.")
    private long maxPropertyBytesPerUser = ServerQuotas.DEFAULT_MAX_PROPERTY_BYTES_PER_USER;

    @UriParam(label = "security", defaultValue = "" + ServerQuotas.DEFAULT_MAX_LOCKS_PER_USER,
              description = "Sync lock slots the devices of one user may hold at once; one more is refused with "
                            + "ERROR 429.")
    private int maxLocksPerUser = ServerQuotas.DEFAULT_MAX_LOCKS_PER_USER;

    @UriParam(label = "security", defaultValue = "" + ServerQuotas.DEFAULT_MAX_RETAINED_PER_USER,
              description = "Retained topic messages kept for one user (route publications without a user count "
                            + "as one more user); beyond it a route's retained publication fails and a device's is "
                            + "delivered but not retained.")
    private int maxRetainedPerUser = ServerQuotas.DEFAULT_MAX_RETAINED_PER_USER;

    @UriParam(label = "security", defaultValue = "" + ServerQuotas.DEFAULT_MAX_RETAINED_BYTES_PER_USER,
              description = "Bytes of topic names and PSON-encoded payloads of one user's retained messages; "
                            + "beyond it, as beyond maxRetainedPerUser.")
    private long maxRetainedBytesPerUser = ServerQuotas.DEFAULT_MAX_RETAINED_BYTES_PER_USER;

    @UriParam(label = "security", defaultValue = "" + ServerQuotas.DEFAULT_MAX_NAME_LENGTH,
              description = "Longest name a device may send the server's services, in characters: a topic or topic "
                            + "filter, an event or property it streams, the target of a service call (property, "
                            + "sync, bucket, endpoint, device/resource) or a server resource; a longer one is refused "
                            + "with ERROR 400.")
    private int maxNameLength = ServerQuotas.DEFAULT_MAX_NAME_LENGTH;

    @UriParam(label = "security", defaultValue = "" + ServerQuotas.DEFAULT_MAX_LOCK_TOKEN_LENGTH,
              description = "Longest lock token a device may give when it takes a sync lock, in characters (a token "
                            + "the server makes is 36); a longer one is refused with ERROR 400.")
    private int maxLockTokenLength = ServerQuotas.DEFAULT_MAX_LOCK_TOKEN_LENGTH;

    @UriParam(label = "security", defaultValue = "" + ServerQuotas.DEFAULT_MAX_LOCK_TIMEOUT_MILLIS,
              javaType = "java.time.Duration",
              description = "Longest a sync lock slot a device takes is held before it frees itself; a device asking "
                            + "for a longer timeout gets this one.")
    private long maxLockTimeout = ServerQuotas.DEFAULT_MAX_LOCK_TIMEOUT_MILLIS;

    /** The connection, authentication and slow-peer limits these options describe. */
    ServerLimits toLimits() {
        return ServerLimits.builder()
                .maxConnections(maxConnections)
                .maxConnectionsPerSecond(maxConnectionsPerSecond)
                .maxConnectionsPerSecondPerAddress(maxConnectionsPerSecondPerAddress)
                .maxAuthFailuresPerAddress(maxAuthFailuresPerAddress)
                .maxAuthFailuresPerDevice(maxAuthFailuresPerDevice)
                .authFailureBlock(Duration.ofMillis(authFailureBlock))
                .frameReadTimeout(Duration.ofMillis(frameReadTimeout))
                .maxPendingWriteBytes(maxPendingWriteBytes)
                .maxFrameSizeBeforeLogin(maxFrameSizeBeforeLogin)
                .maxIdentifierLength(maxIdentifierLength)
                .maxCredentialLength(maxCredentialLength)
                .maxPartialFrameBytes(maxPartialFrameBytes)
                .maxUnauthenticatedPerAddress(maxUnauthenticatedPerAddress)
                .maxTrackedAuthFailures(maxTrackedAuthFailures)
                .maxTrackedConnectionRates(maxTrackedConnectionRates)
                .maxDecodedFrameBytes(maxDecodedFrameBytes)
                .maxOutboundFrameSize(maxOutboundFrameSize)
                .maxLegacyDevicesTracked(maxLegacyDevicesTracked)
                .build();
    }

    /** The quotas of the built-in services these options describe. */
    ServerQuotas toQuotas() {
        return ServerQuotas.builder()
                .maxPropertiesPerDevice(maxPropertiesPerDevice)
                .maxPropertyBytesPerDevice(maxPropertyBytesPerDevice)
                .maxPropertyBytesPerUser(maxPropertyBytesPerUser)
                .maxLocksPerUser(maxLocksPerUser)
                .maxRetainedPerUser(maxRetainedPerUser)
                .maxRetainedBytesPerUser(maxRetainedBytesPerUser)
                .maxNameLength(maxNameLength)
                .maxLockTokenLength(maxLockTokenLength)
                .maxLockTimeout(Duration.ofMillis(maxLockTimeout))
                .build();
    }

    public int getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    public int getMaxConnectionsPerSecond() {
        return maxConnectionsPerSecond;
    }

    public void setMaxConnectionsPerSecond(int maxConnectionsPerSecond) {
        this.maxConnectionsPerSecond = maxConnectionsPerSecond;
    }

    public int getMaxConnectionsPerSecondPerAddress() {
        return maxConnectionsPerSecondPerAddress;
    }

    public void setMaxConnectionsPerSecondPerAddress(int maxConnectionsPerSecondPerAddress) {
        this.maxConnectionsPerSecondPerAddress = maxConnectionsPerSecondPerAddress;
    }

    public int getMaxAuthFailuresPerAddress() {
        return maxAuthFailuresPerAddress;
    }

    public void setMaxAuthFailuresPerAddress(int maxAuthFailuresPerAddress) {
        this.maxAuthFailuresPerAddress = maxAuthFailuresPerAddress;
    }

    public int getMaxAuthFailuresPerDevice() {
        return maxAuthFailuresPerDevice;
    }

    public void setMaxAuthFailuresPerDevice(int maxAuthFailuresPerDevice) {
        this.maxAuthFailuresPerDevice = maxAuthFailuresPerDevice;
    }

    public long getAuthFailureBlock() {
        return authFailureBlock;
    }

    public void setAuthFailureBlock(long authFailureBlock) {
        this.authFailureBlock = authFailureBlock;
    }

    public long getFrameReadTimeout() {
        return frameReadTimeout;
    }

    public void setFrameReadTimeout(long frameReadTimeout) {
        this.frameReadTimeout = frameReadTimeout;
    }

    public long getMaxPendingWriteBytes() {
        return maxPendingWriteBytes;
    }

    public void setMaxPendingWriteBytes(long maxPendingWriteBytes) {
        this.maxPendingWriteBytes = maxPendingWriteBytes;
    }

    public int getMaxOutboundFrameSize() {
        return maxOutboundFrameSize;
    }

    public void setMaxOutboundFrameSize(int maxOutboundFrameSize) {
        this.maxOutboundFrameSize = maxOutboundFrameSize;
    }

    public int getMaxFrameSizeBeforeLogin() {
        return maxFrameSizeBeforeLogin;
    }

    public void setMaxFrameSizeBeforeLogin(int maxFrameSizeBeforeLogin) {
        this.maxFrameSizeBeforeLogin = maxFrameSizeBeforeLogin;
    }

    public int getMaxIdentifierLength() {
        return maxIdentifierLength;
    }

    public void setMaxIdentifierLength(int maxIdentifierLength) {
        this.maxIdentifierLength = maxIdentifierLength;
    }

    public int getMaxCredentialLength() {
        return maxCredentialLength;
    }

    public void setMaxCredentialLength(int maxCredentialLength) {
        this.maxCredentialLength = maxCredentialLength;
    }

    public long getMaxPartialFrameBytes() {
        return maxPartialFrameBytes;
    }

    public void setMaxPartialFrameBytes(long maxPartialFrameBytes) {
        this.maxPartialFrameBytes = maxPartialFrameBytes;
    }

    public int getMaxUnauthenticatedPerAddress() {
        return maxUnauthenticatedPerAddress;
    }

    public void setMaxUnauthenticatedPerAddress(int maxUnauthenticatedPerAddress) {
        this.maxUnauthenticatedPerAddress = maxUnauthenticatedPerAddress;
    }

    public int getMaxTrackedAuthFailures() {
        return maxTrackedAuthFailures;
    }

    public void setMaxTrackedAuthFailures(int maxTrackedAuthFailures) {
        this.maxTrackedAuthFailures = maxTrackedAuthFailures;
    }

    public int getMaxTrackedConnectionRates() {
        return maxTrackedConnectionRates;
    }

    public void setMaxTrackedConnectionRates(int maxTrackedConnectionRates) {
        this.maxTrackedConnectionRates = maxTrackedConnectionRates;
    }

    public long getMaxDecodedFrameBytes() {
        return maxDecodedFrameBytes;
    }

    public void setMaxDecodedFrameBytes(long maxDecodedFrameBytes) {
        this.maxDecodedFrameBytes = maxDecodedFrameBytes;
    }

    public int getMaxLegacyDevicesTracked() {
        return maxLegacyDevicesTracked;
    }

    public void setMaxLegacyDevicesTracked(int maxLegacyDevicesTracked) {
        this.maxLegacyDevicesTracked = maxLegacyDevicesTracked;
    }

    public int getMaxPropertiesPerDevice() {
        return maxPropertiesPerDevice;
    }

    public void setMaxPropertiesPerDevice(int maxPropertiesPerDevice) {
        this.maxPropertiesPerDevice = maxPropertiesPerDevice;
    }

    public long getMaxPropertyBytesPerDevice() {
        return maxPropertyBytesPerDevice;
    }

    public void setMaxPropertyBytesPerDevice(long maxPropertyBytesPerDevice) {
        this.maxPropertyBytesPerDevice = maxPropertyBytesPerDevice;
    }

    public int getMaxLocksPerUser() {
        return maxLocksPerUser;
    }

    public void setMaxLocksPerUser(int maxLocksPerUser) {
        this.maxLocksPerUser = maxLocksPerUser;
    }

    public int getMaxRetainedPerUser() {
        return maxRetainedPerUser;
    }

    public void setMaxRetainedPerUser(int maxRetainedPerUser) {
        this.maxRetainedPerUser = maxRetainedPerUser;
    }

    public long getMaxRetainedBytesPerUser() {
        return maxRetainedBytesPerUser;
    }

    public void setMaxRetainedBytesPerUser(long maxRetainedBytesPerUser) {
        this.maxRetainedBytesPerUser = maxRetainedBytesPerUser;
    }

    public int getMaxNameLength() {
        return maxNameLength;
    }

    public void setMaxNameLength(int maxNameLength) {
        this.maxNameLength = maxNameLength;
    }

    public int getMaxLockTokenLength() {
        return maxLockTokenLength;
    }

    public void setMaxLockTokenLength(int maxLockTokenLength) {
        this.maxLockTokenLength = maxLockTokenLength;
    }

    public long getMaxLockTimeout() {
        return maxLockTimeout;
    }

    public void setMaxLockTimeout(long maxLockTimeout) {
        this.maxLockTimeout = maxLockTimeout;
    }

    public long getMaxPropertyBytesPerUser() {
        return maxPropertyBytesPerUser;
    }

    public void setMaxPropertyBytesPerUser(long maxPropertyBytesPerUser) {
        this.maxPropertyBytesPerUser = maxPropertyBytesPerUser;
    }
}
