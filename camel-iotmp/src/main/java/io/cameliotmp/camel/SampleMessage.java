package io.cameliotmp.camel;

import java.util.Map;

import io.cameliotmp.server.StreamSample;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultMessage;

/**
 * The message of one stream sample. Its headers are made when the route first asks for them (as camel-jms does for
 * the properties of a JMS message): a route that only reads the body, which is what many ingest routes do, then pays
 * nothing for them, and one that reads them pays the same as if they were set up front.
 */
final class SampleMessage extends DefaultMessage {

    private final Map<String, Object> deviceHeaders;
    private final int streamId;
    private final long timestamp;

    /**
     * @param deviceHeaders the headers every sample of the device carries, in a headers map of the context's
     *                      factory (copying one sorted map into another is linear); not changed here
     */
    SampleMessage(Exchange exchange, Map<String, Object> deviceHeaders, StreamSample sample) {
        super(exchange);
        this.deviceHeaders = deviceHeaders;
        this.streamId = sample.streamId();
        this.timestamp = sample.receivedAtMillis();
        setBody(sample.payload());
    }

    @Override
    protected boolean isPopulateHeadersSupported() {
        return true;
    }

    @Override
    protected void populateInitialHeaders(Map<String, Object> map) {
        map.putAll(deviceHeaders);
        map.put(IotmpConstants.STREAM_ID, streamId);
        map.put(IotmpConstants.TIMESTAMP, timestamp);
    }
}
