package io.cameliotmp.server;

/** How devices reach the server. Either can run over TLS. */
public enum Transport {

    /** IOTMP frames directly on the TCP (or TLS) stream: Thinger's ports 25204 (plain) and 25206 (TLS). */
    TCP,

    /**
     * IOTMP bytes inside WebSocket frames on an HTTP path ({@code /iotmp}, subprotocol {@code iotmp}). Text and
     * binary frames are both accepted and read as one continuous byte stream: the reference Linux client sends
     * its binary IOTMP bytes in text frames, and frame boundaries carry no meaning.
     */
    WEBSOCKET
}
