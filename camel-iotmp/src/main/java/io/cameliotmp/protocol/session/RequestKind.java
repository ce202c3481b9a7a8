package io.cameliotmp.protocol.session;

import io.cameliotmp.protocol.MessageType;

/** What a tracked request asks for; metrics and error messages name requests by it. */
public enum RequestKind {
    CONNECT(MessageType.CONNECT),
    RUN(MessageType.RUN),
    DESCRIBE(MessageType.DESCRIBE),
    START_STREAM(MessageType.START_STREAM),
    STOP_STREAM(MessageType.STOP_STREAM);

    private final MessageType messageType;

    RequestKind(MessageType messageType) {
        this.messageType = messageType;
    }

    /** The message type that carries the request. */
    public MessageType messageType() {
        return messageType;
    }
}
