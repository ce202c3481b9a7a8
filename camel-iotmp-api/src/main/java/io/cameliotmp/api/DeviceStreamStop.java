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
     * Asks the device to stop stream {@code streamId}; a failure to ask is logged at DEBUG, since the stream ends with
     * the device's connection anyway.
     *
     * @param what what the stream was, for the log ({@code download}, {@code upload})
     */
    static void quietly(ProducerTemplate producer, String user, String device, int streamId, String what) {
        try {
            producer.asyncRequestBodyAndHeaders("iotmp:device?operation=stopStream", null, Map.of(
                    IotmpConstants.USER, user, IotmpConstants.DEVICE, device, IotmpConstants.STREAM_ID, streamId));
        } catch (RuntimeException e) {
            LOG.debug("stopping {} stream {} of {}/{} failed: {}", what, streamId, user, device, e.toString());
        }
    }
}
