package io.cameliotmp.server;

/**
 * A stream a device opened toward the server (START_STREAM on RESOURCE 8).
 *
 * @param name     the topic, the topic filter, the property or the event name, depending on the kind
 * @param retained for publish streams: keep the last message for later subscribers
 */
record DeviceEventStream(Kind kind, String name, boolean retained) {

    enum Kind {
        /** The device publishes to a topic with its STREAM_DATA. */
        PUBLISH,
        /** The device receives the messages of matching topics. */
        SUBSCRIBE,
        /** The device receives the new values of one of its properties. */
        PROPERTY,
        /** The device receives a named event raised by routes. */
        SERVER_EVENT
    }
}
