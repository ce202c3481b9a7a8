package io.cameliotmp.protocol.session;

/** What a tracked request asks for; metrics name requests by it (the {@code kind} tag). */
public enum RequestKind {
    CONNECT,
    RUN,
    DESCRIBE,
    START_STREAM,
    STOP_STREAM
}
