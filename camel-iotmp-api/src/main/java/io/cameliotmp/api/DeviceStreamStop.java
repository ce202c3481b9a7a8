package io.cameliotmp.api;

import java.util.Map;

import io.cameliotmp.camel.IotmpConstants;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stops a stream the API opened on a device (a download's or an upload's) without waiting or failing the caller. */
final class DeviceStreamStop {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceStreamStop.class);

    private DeviceStreamStop() {
    }

    /**
     * The headers that address a stream on the device connection it opened on, when that is known: stream ids start
     * at 1 again on every connection, so without the session number a stream's data or stop could reach another
     * caller's stream on the device's newer connection.
     */
    static Map<String, Object> headers(String user, String device, int streamId, Long sessionNumber) {
        return sessionNumber == null
                ? Map.of(IotmpConstants.USER, user, IotmpConstants.DEVICE, device, IotmpConstants.STREAM_ID, streamId)
                : Map.of(IotmpConstants.USER, user, IotmpConstants.DEVICE, device, IotmpConstants.STREAM_ID, streamId,
                        IotmpConstants.SESSION_NUMBER, sessionNumber);
    }

    /**
     * Asks the device to stop stream {@code streamId}; a failure to ask is logged at DEBUG, since the stream ends with
     * the device's connection anyway.
     *
     * @param sessionNumber the device connection the stream opened on (its startStream reply's header), or null
     * @param what what the stream was, for the log ({@code download}, {@code upload})
     */
    static void quietly(ProducerTemplate producer, String user, String device, int streamId, Long sessionNumber,
                        String what) {
        try {
            producer.asyncRequestBodyAndHeaders("iotmp:device?operation=stopStream", null,
                    headers(user, device, streamId, sessionNumber));
        } catch (RuntimeException e) {
            LOG.debug("stopping {} stream {} of {}/{} failed: {}", what, streamId, user, device, e.toString());
        }
    }
}
