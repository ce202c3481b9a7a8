package io.cameliotmp.springboot;

import java.time.Duration;

import org.apache.camel.spring.boot.ComponentConfigurationPropertiesCommon;

/**
 * The limits and quotas of the iotmp component's embedded server as Spring Boot properties, as
 * {@code IotmpServerLimitOptions} has them as Camel options; part of {@link IotmpComponentConfiguration}, whose class
 * comment says how the properties are laid out.
 */
public abstract class IotmpServerLimitProperties extends ComponentConfigurationPropertiesCommon {

    /**
     * Open device connections at most; beyond it new connections are closed at once.
     */
    private Integer maxConnections = 20000;
    /**
     * New connections accepted per second (with one second of burst), so a storm of reconnecting devices cannot
     * starve the server; 0 for no limit.
     */
    private Integer maxConnectionsPerSecond = 10000;
    /**
     * New connections accepted per second from one remote address (an IPv6 address by its /64 prefix), with one second
     * of burst, checked before maxConnectionsPerSecond: a connection refused here takes nothing from the server's rate,
     * so one address reconnecting as fast as it can cannot lock every other device out. Raise it when many devices
     * share one address (a carrier-grade NAT, a TCP load balancer in front of the server); 0 for no limit.
     */
    private Integer maxConnectionsPerSecondPerAddress = 100;
    /**
     * Distinct devices (user and device id) that fail to authenticate from one remote address (an IPv6 address by its
     * /64 prefix) within a minute before that address is refused for authFailureBlock; a device retrying the same wrong
     * credential counts once. 0 for no limit.
     */
    private Integer maxAuthFailuresPerAddress = 20;
    /**
     * Failed authentications per minute of one device id from one remote address before that device is refused from
     * that address for authFailureBlock, doubled at every further block (up to 64 times); the same device from another
     * address is not affected. 0 for no limit.
     */
    private Integer maxAuthFailuresPerDevice = 10;
    /**
     * How long a remote address, or a device at its first block, is refused after too many failed authentications. The
     * option is a java.time.Duration type, such as 30s, 5m or PT30S; a bare number is milliseconds.
     */
    private Duration authFailureBlock = Duration.ofMinutes(1);
    /**
     * How long a started frame (IOTMP or WebSocket) may take to arrive completely, checked by a timer; a sender that
     * stalls or drips bytes to look alive is disconnected after it. The option is a java.time.Duration type, such as
     * 30s, 5m or PT30S; a bare number is milliseconds.
     */
    private Duration frameReadTimeout = Duration.ofSeconds(30);
    /**
     * Bytes queued for a device that does not read before it is disconnected.
     */
    private Long maxPendingWriteBytes = 1048576L;
    /**
     * Largest frame body accepted before the device is authenticated, in bytes (a CONNECT is three short strings); a
     * larger size header closes the connection.
     */
    private Integer maxFrameSizeBeforeLogin = 4096;
    /**
     * Longest user name and device id accepted in a CONNECT, in characters; a longer one is refused before it is stored
     * or logged, and counts as a failed authentication.
     */
    private Integer maxIdentifierLength = 128;
    /**
     * Longest credential accepted in a CONNECT, in characters; a longer one is refused and counts as a failed
     * authentication.
     */
    private Integer maxCredentialLength = 1024;
    /**
     * Bytes of partially received frames (IOTMP or WebSocket) and TLS records the server holds for all its
     * connections together; a connection whose started frame or record does not fit is closed.
     */
    private Long maxPartialFrameBytes = 67108864L;
    /**
     * Connections from one remote address (an IPv6 address by its /64 prefix) whose device has not authenticated yet;
     * beyond it new connections from that address are closed at once. 0 for no limit.
     */
    private Integer maxUnauthenticatedPerAddress = 128;
    /**
     * Entries kept about failed authentications in each of two tables of fixed-size entries (per address, and per
     * device and address); when one is full an entry that blocks nothing is forgotten first, else the least recently
     * used.
     */
    private Integer maxTrackedAuthFailures = 65536;
    /**
     * Remote addresses whose connection rate (maxConnectionsPerSecondPerAddress) is kept, in a table of fixed-size
     * entries apart from the failed authentications; when it is full an address whose rate is back to a full second's
     * worth is forgotten first, else the least recently used, which then starts over with a full second's worth.
     */
    private Integer maxTrackedConnectionRates = 65536;
    /**
     * Largest frame the server sends a device, in bytes: devices drop the connection on a larger one (IOTMP-Embedded
     * accepts 32 KiB by default, ESP-IDF builds 4 KiB, IOTMP-Linux 256 KiB). A call whose frame would be larger fails
     * with FrameTooLargeForDeviceException and the device stays connected.
     */
    private Integer maxOutboundFrameSize = 32768;
    /**
     * Legacy (IOTMP 1) devices whose stream ids the server keeps across their connections, so that samples a device
     * still sends on its previous connection's ids are not taken for a new stream's (a salted hash of the device and an
     * id each); the least recently connected are forgotten first, and a forgotten device's ids start again at a random
     * one of the board's 16 bits.
     */
    private Integer maxLegacyDevicesTracked = 100000;
    /**
     * Heap the decoded values of one frame may take, in bytes, as the decoder estimates it (a few dozen bytes per map,
     * list, entry and number, strings and byte arrays by their length); a frame beyond it is malformed: closed before
     * authentication, dropped after.
     */
    private Long maxDecodedFrameBytes = 4194304L;
    /**
     * Properties one device may keep in the in-memory property store; setting one more is refused with ERROR 429.
     */
    private Integer maxPropertiesPerDevice = 128;
    /**
     * Bytes of property names and PSON-encoded values one device may keep in the in-memory property store; a write
     * beyond it is refused with ERROR 413.
     */
    private Long maxPropertyBytesPerDevice = 65536L;
    /**
     * Bytes of property names and PSON-encoded values all the devices of one user may keep in the in-memory property
     * store together (properties outlive their device's connection, and an authenticator may accept any device id of
     * a user); a write beyond it is refused with ERROR 413.
     */
    private Long maxPropertyBytesPerUser = 16777216L;
    /**
     * Sync lock slots the devices of one user may hold at once; one more is refused with ERROR 429.
     */
    private Integer maxLocksPerUser = 256;
    /**
     * Retained topic messages kept for one user (route publications without a user count as one more user); beyond it a
     * route's retained publication fails and a device's is delivered but not retained.
     */
    private Integer maxRetainedPerUser = 256;
    /**
     * Bytes of topic names and PSON-encoded payloads of one user's retained messages; beyond it, as beyond
     * maxRetainedPerUser.
     */
    private Long maxRetainedBytesPerUser = 1048576L;
    /**
     * Longest name a device may send the server's services, in characters: a topic or topic filter, an event or
     * property it streams, the target of a service call (property, sync, bucket, endpoint, device/resource) or a
     * server resource; a longer one is refused with ERROR 400.
     */
    private Integer maxNameLength = 256;
    /**
     * Longest lock token a device may give when it takes a sync lock, in characters (a token the server makes is 36);
     * a longer one is refused with ERROR 400.
     */
    private Integer maxLockTokenLength = 128;
    /**
     * Longest a sync lock slot a device takes is held before it frees itself; a device asking for a longer timeout gets
     * this one. The option is a java.time.Duration type, such as 30s, 5m or PT30S; a bare number is milliseconds.
     */
    private Duration maxLockTimeout = Duration.ofHours(24);

    public Integer getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(Integer maxConnections) {
        this.maxConnections = maxConnections;
    }

    public Integer getMaxConnectionsPerSecond() {
        return maxConnectionsPerSecond;
    }

    public void setMaxConnectionsPerSecond(Integer maxConnectionsPerSecond) {
        this.maxConnectionsPerSecond = maxConnectionsPerSecond;
    }

    public Integer getMaxConnectionsPerSecondPerAddress() {
        return maxConnectionsPerSecondPerAddress;
    }

    public void setMaxConnectionsPerSecondPerAddress(Integer maxConnectionsPerSecondPerAddress) {
        this.maxConnectionsPerSecondPerAddress = maxConnectionsPerSecondPerAddress;
    }

    public Integer getMaxAuthFailuresPerAddress() {
        return maxAuthFailuresPerAddress;
    }

    public void setMaxAuthFailuresPerAddress(Integer maxAuthFailuresPerAddress) {
        this.maxAuthFailuresPerAddress = maxAuthFailuresPerAddress;
    }

    public Integer getMaxAuthFailuresPerDevice() {
        return maxAuthFailuresPerDevice;
    }

    public void setMaxAuthFailuresPerDevice(Integer maxAuthFailuresPerDevice) {
        this.maxAuthFailuresPerDevice = maxAuthFailuresPerDevice;
    }

    public Duration getAuthFailureBlock() {
        return authFailureBlock;
    }

    public void setAuthFailureBlock(Duration authFailureBlock) {
        this.authFailureBlock = authFailureBlock;
    }

    public Duration getFrameReadTimeout() {
        return frameReadTimeout;
    }

    public void setFrameReadTimeout(Duration frameReadTimeout) {
        this.frameReadTimeout = frameReadTimeout;
    }

    public Long getMaxPendingWriteBytes() {
        return maxPendingWriteBytes;
    }

    public void setMaxPendingWriteBytes(Long maxPendingWriteBytes) {
        this.maxPendingWriteBytes = maxPendingWriteBytes;
    }

    public Integer getMaxFrameSizeBeforeLogin() {
        return maxFrameSizeBeforeLogin;
    }

    public void setMaxFrameSizeBeforeLogin(Integer maxFrameSizeBeforeLogin) {
        this.maxFrameSizeBeforeLogin = maxFrameSizeBeforeLogin;
    }

    public Integer getMaxIdentifierLength() {
        return maxIdentifierLength;
    }

    public void setMaxIdentifierLength(Integer maxIdentifierLength) {
        this.maxIdentifierLength = maxIdentifierLength;
    }

    public Integer getMaxCredentialLength() {
        return maxCredentialLength;
    }

    public void setMaxCredentialLength(Integer maxCredentialLength) {
        this.maxCredentialLength = maxCredentialLength;
    }

    public Long getMaxPartialFrameBytes() {
        return maxPartialFrameBytes;
    }

    public void setMaxPartialFrameBytes(Long maxPartialFrameBytes) {
        this.maxPartialFrameBytes = maxPartialFrameBytes;
    }

    public Integer getMaxUnauthenticatedPerAddress() {
        return maxUnauthenticatedPerAddress;
    }

    public void setMaxUnauthenticatedPerAddress(Integer maxUnauthenticatedPerAddress) {
        this.maxUnauthenticatedPerAddress = maxUnauthenticatedPerAddress;
    }

    public Integer getMaxTrackedAuthFailures() {
        return maxTrackedAuthFailures;
    }

    public void setMaxTrackedAuthFailures(Integer maxTrackedAuthFailures) {
        this.maxTrackedAuthFailures = maxTrackedAuthFailures;
    }

    public Integer getMaxTrackedConnectionRates() {
        return maxTrackedConnectionRates;
    }

    public void setMaxTrackedConnectionRates(Integer maxTrackedConnectionRates) {
        this.maxTrackedConnectionRates = maxTrackedConnectionRates;
    }

    public Integer getMaxOutboundFrameSize() {
        return maxOutboundFrameSize;
    }

    public void setMaxOutboundFrameSize(Integer maxOutboundFrameSize) {
        this.maxOutboundFrameSize = maxOutboundFrameSize;
    }

    public Integer getMaxLegacyDevicesTracked() {
        return maxLegacyDevicesTracked;
    }

    public void setMaxLegacyDevicesTracked(Integer maxLegacyDevicesTracked) {
        this.maxLegacyDevicesTracked = maxLegacyDevicesTracked;
    }

    public Long getMaxDecodedFrameBytes() {
        return maxDecodedFrameBytes;
    }

    public void setMaxDecodedFrameBytes(Long maxDecodedFrameBytes) {
        this.maxDecodedFrameBytes = maxDecodedFrameBytes;
    }

    public Integer getMaxPropertiesPerDevice() {
        return maxPropertiesPerDevice;
    }

    public void setMaxPropertiesPerDevice(Integer maxPropertiesPerDevice) {
        this.maxPropertiesPerDevice = maxPropertiesPerDevice;
    }

    public Long getMaxPropertyBytesPerDevice() {
        return maxPropertyBytesPerDevice;
    }

    public void setMaxPropertyBytesPerDevice(Long maxPropertyBytesPerDevice) {
        this.maxPropertyBytesPerDevice = maxPropertyBytesPerDevice;
    }

    public Integer getMaxLocksPerUser() {
        return maxLocksPerUser;
    }

    public void setMaxLocksPerUser(Integer maxLocksPerUser) {
        this.maxLocksPerUser = maxLocksPerUser;
    }

    public Integer getMaxRetainedPerUser() {
        return maxRetainedPerUser;
    }

    public void setMaxRetainedPerUser(Integer maxRetainedPerUser) {
        this.maxRetainedPerUser = maxRetainedPerUser;
    }

    public Long getMaxRetainedBytesPerUser() {
        return maxRetainedBytesPerUser;
    }

    public void setMaxRetainedBytesPerUser(Long maxRetainedBytesPerUser) {
        this.maxRetainedBytesPerUser = maxRetainedBytesPerUser;
    }

    public Integer getMaxNameLength() {
        return maxNameLength;
    }

    public void setMaxNameLength(Integer maxNameLength) {
        this.maxNameLength = maxNameLength;
    }

    public Long getMaxPropertyBytesPerUser() {
        return maxPropertyBytesPerUser;
    }

    public void setMaxPropertyBytesPerUser(Long maxPropertyBytesPerUser) {
        this.maxPropertyBytesPerUser = maxPropertyBytesPerUser;
    }

    public Integer getMaxLockTokenLength() {
        return maxLockTokenLength;
    }

    public void setMaxLockTokenLength(Integer maxLockTokenLength) {
        this.maxLockTokenLength = maxLockTokenLength;
    }

    public Duration getMaxLockTimeout() {
        return maxLockTimeout;
    }

    public void setMaxLockTimeout(Duration maxLockTimeout) {
        this.maxLockTimeout = maxLockTimeout;
    }
}
