package io.cameliotmp.server;

/** Which of the server's listeners accepted a connection: its transport and the protocols it expects. */
enum ListenerKind {

    /** The server's port: its TLS and transport settings; legacy devices too when they are enabled. */
    IOTMP,
    /** The plain legacy port (25200): plain TCP whatever the server's TLS. */
    LEGACY,
    /** The TLS legacy port (25202), with the server's TLS context. */
    LEGACY_TLS
}
