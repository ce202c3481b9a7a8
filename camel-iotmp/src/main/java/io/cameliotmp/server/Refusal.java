package io.cameliotmp.server;

import java.util.Locale;

/** Why the server refused a connection or a CONNECT, as {@link ServerMetrics#refused} reports it. */
public enum Refusal {

    /** {@code maxConnections} open connections already. */
    CONNECTION_LIMIT,
    /** Beyond {@code maxConnectionsPerSecond}. */
    CONNECTION_RATE,
    /**
     * Beyond {@code maxConnectionsPerSecondPerAddress} from the address (an IPv6 address by its /64 prefix); such a
     * connection takes nothing from {@code maxConnectionsPerSecond}.
     */
    CONNECTION_RATE_PER_ADDRESS,
    /** The address is blocked after failures of too many distinct devices ({@code maxAuthFailuresPerAddress}). */
    ADDRESS_BLOCKED,
    /** {@code maxUnauthenticatedPerAddress} connections from the address have not authenticated yet. */
    UNAUTHENTICATED_PER_ADDRESS,
    /**
     * A started frame, or a TLS record the TLS engine holds until it is complete, could not reserve its length within
     * {@code maxPartialFrameBytes}; or a TLS record announced a length above what TLS allows.
     */
    PARTIAL_FRAME_BUDGET,
    /** A CONNECT with a user, device id or credential longer than allowed. */
    IDENTIFIER_TOO_LONG,
    /**
     * A CONNECT with a user or device id that holds a slash (which would make {@code user/device} name two devices)
     * or a control character (a line break that would forge a line of whatever log an application writes them to),
     * an invisible format character (a bidi override that makes it read as another device), a Unicode noncharacter
     * (which MQTT brokers drop a whole connection for, in a topic), or that is empty,
     * {@code .} or {@code ..} (names no URI or API path can address).
     */
    IDENTIFIER_INVALID,
    /** A CONNECT with a keep-alive out of range. */
    BAD_KEEP_ALIVE,
    /** The device is blocked from this address after too many failures ({@code maxAuthFailuresPerDevice}). */
    DEVICE_BLOCKED,
    /**
     * A TLS handshake failed (no protocol or cipher suite in common, a refused certificate, bytes that are not TLS, no
     * handshake within {@code tlsHandshakeTimeout}): connection closed. Not counted when the connection closed first.
     */
    TLS_HANDSHAKE,
    /** A TLS client started a new handshake on an established connection (renegotiation): connection closed. */
    TLS_RENEGOTIATION,
    /**
     * With {@code proxyProtocol}: a connection that did not start with a valid PROXY protocol header (none, garbage,
     * or one larger than allowed).
     */
    PROXY_HEADER,
    /**
     * A WebSocket upgrade whose {@code Origin} (a web page's: browsers send it, device libraries do not) is not one
     * of {@code webSocketAllowedOrigins}: answered 403 before a CONNECT could be sent.
     */
    WEBSOCKET_ORIGIN,
    /**
     * A connection whose first bytes are not a frame of the protocol (of IOTMP, or of the legacy protocol where it is
     * enabled): a PROXY protocol header on a port without {@code proxyProtocol}, an HTTP request, a TLS handshake on a
     * port without TLS, a scanner. Closed as soon as its first frame's type is read (see {@link ForeignBytes}); also a
     * connection whose first known frame is no CONNECT.
     */
    NOT_IOTMP;

    /** The name in metrics: {@code partial-frame-budget}. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
