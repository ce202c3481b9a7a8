package io.cameliotmp.camel;

/** The first part of an iotmp URI: what the endpoint stands for. */
public enum IotmpEndpointKind {
    /** {@code iotmp:device:{user}/{device}/{resource}}: call a device resource, or stream it. */
    device,
    /** {@code iotmp:server:{resource}}: a resource hosted by the route that devices RUN. */
    server,
    /** {@code iotmp:service:{service}/{target}}: Thinger service calls of devices (bucket, endpoint, …). */
    service,
    /** {@code iotmp:events}: device connected, disconnected and authentication refused. */
    events,
    /** {@code iotmp:topic:{topic}}: MQTT-style topics devices publish to and subscribe to. */
    topic,
    /** {@code iotmp:serverEvent:{name}}: named server events raised toward subscribed devices. */
    serverEvent
}
