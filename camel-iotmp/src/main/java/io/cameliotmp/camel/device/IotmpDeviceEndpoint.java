package io.cameliotmp.camel.device;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * The Camel application as an IOTMP device: routes are the device's resources, receive its subscriptions and
 * lifecycle, and call the server's services.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "iotmp-device", title = "IOTMP Device", syntax = "iotmp-device:resource",
             category = { Category.IOT }, headersClass = IotmpDeviceConstants.class)
public class IotmpDeviceEndpoint extends DefaultEndpoint {

    /** What an endpoint stands for, told by the prefix of its path. */
    enum Kind {
        /** A resource of the device (consumer), or the target of a producer operation. */
        resource,
        /** Messages on topics matching a filter (consumer), or a topic to publish on (producer). */
        topic,
        /** Updates of a device property (consumer). */
        property,
        /** A named server event (consumer). */
        serverEvent,
        /** The connection's lifecycle (consumer). */
        events
    }

    @UriPath(description = "Consumer: the device resource the route is (a path such as temperature or"
                           + " $cmd/:session). Producer: the target of the operation (the resource to stream, or the"
                           + " bucket, endpoint, property, topic or sync name, or {device}/{resource} for"
                           + " callDevice). The forms topic:{filter}, property:{name} and serverEvent:{name}"
                           + " subscribe to what the server sends (topic:{topic} also publishes), and events"
                           + " receives the connection's lifecycle.")
    @Metadata(required = true)
    private String resource;

    @UriParam
    private IotmpDeviceConfiguration configuration;

    private Kind kind;
    /** The resource path, topic, property or event name: the path without its kind prefix. */
    private String name;

    public IotmpDeviceEndpoint(String uri, IotmpDeviceComponent component, String resource,
                               IotmpDeviceConfiguration configuration) {
        super(uri, component);
        this.resource = resource;
        this.configuration = configuration;
    }

    /** Parses the path and checks the connection options; called once the URI options are set. */
    void validate() {
        if (resource == null || resource.isEmpty()) {
            throw new IllegalArgumentException("expected iotmp-device:{resource}, iotmp-device:topic:{filter},"
                                               + " iotmp-device:property:{name}, iotmp-device:serverEvent:{name} or"
                                               + " iotmp-device:events, got " + getEndpointUri());
        }
        kind = Kind.resource;
        name = resource;
        if (resource.equals("events")) {
            kind = Kind.events;
        } else {
            for (Kind prefixed : new Kind[] { Kind.topic, Kind.property, Kind.serverEvent }) {
                if (resource.startsWith(prefixed.name() + ":")) {
                    kind = prefixed;
                    name = resource.substring(prefixed.name().length() + 1);
                    if (name.isEmpty()) {
                        throw new IllegalArgumentException("expected iotmp-device:" + prefixed + ":{name}, got "
                                                           + getEndpointUri());
                    }
                }
            }
        }
        getComponent().settings(configuration); // fails now, with the missing options named, rather than at start
        if (configuration.getInputSample() != null) {
            JsonText.parse(configuration.getInputSample());
        }
    }

    @Override
    public IotmpDeviceComponent getComponent() {
        return (IotmpDeviceComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() throws Exception {
        return switch (kind) {
            case resource, topic -> new IotmpDeviceProducer(this);
            case property -> throw new UnsupportedOperationException("iotmp-device:property endpoints only consume"
                                                                     + " (from); set a property with"
                                                                     + " iotmp-device:{name}?operation=setProperty");
            case serverEvent, events -> throw new UnsupportedOperationException(
                    "iotmp-device:" + kind + " endpoints only consume (from)");
        };
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        Consumer consumer = switch (kind) {
            case resource -> new IotmpDeviceResourceConsumer(this, processor);
            case topic, property, serverEvent -> new IotmpDeviceSubscriptionConsumer(this, processor);
            case events -> new IotmpDeviceEventsConsumer(this, processor);
        };
        configureConsumer(consumer);
        return consumer;
    }

    /** Takes a reference on this endpoint's device connection, attaching {@code attachment} before it connects. */
    SharedDevice acquire(DeviceConnections.Attachment attachment) throws Exception {
        return getComponent().acquire(configuration, attachment);
    }

    void release(SharedDevice shared) {
        getComponent().release(shared);
    }

    Kind kind() {
        return kind;
    }

    /** The resource path, topic, property or event name. */
    String name() {
        return name;
    }

    public String getResource() {
        return resource;
    }

    public void setResource(String resource) {
        this.resource = resource;
    }

    public IotmpDeviceConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(IotmpDeviceConfiguration configuration) {
        this.configuration = configuration;
    }
}
