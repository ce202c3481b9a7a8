package io.cameliotmp.camel;

import java.time.Duration;

import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.IotmpServer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * One producer call, resolved from the endpoint and the exchange's headers: which server, which device (null for
 * the {@code devices} list), which resource, and the endpoint's options.
 *
 * @param requestTimeout the endpoint's {@code requestTimeout}
 */
record DeviceOperation(Exchange exchange, IotmpServer server, IotmpOperation operation, String user,
                       DeviceId device, String resource, IotmpConfiguration config, Duration requestTimeout) {

    Message in() {
        return exchange.getMessage();
    }

    DeviceId requireDevice() {
        if (device == null) {
            throw new IllegalArgumentException("no device to call: give iotmp:device:{user}/{device}/… or the "
                                               + IotmpConstants.USER + " and " + IotmpConstants.DEVICE + " headers");
        }
        return device;
    }

    String requireResource() {
        if (resource == null) {
            throw new IllegalArgumentException(operation + " needs a resource: give iotmp:device:{user}/{device}/"
                                               + "{resource} or the " + IotmpConstants.RESOURCE + " header");
        }
        return resource;
    }

    /** The stream id of the {@link IotmpConstants#STREAM_ID} header, else of the body. */
    int streamId() {
        Integer id = in().getHeader(IotmpConstants.STREAM_ID, Integer.class);
        if (id == null) {
            id = in().getBody(Integer.class);
        }
        if (id == null || id <= 0 || id > 0xFFFF) {
            throw new IllegalArgumentException("no valid stream id in the " + IotmpConstants.STREAM_ID + " header");
        }
        return id;
    }

    /** The body as a PSON value. */
    Object pson() {
        return PsonBodies.toPson(exchange, in().getBody());
    }
}
