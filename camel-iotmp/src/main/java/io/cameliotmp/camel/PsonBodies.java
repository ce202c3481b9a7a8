package io.cameliotmp.camel;

import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;

import io.cameliotmp.server.DeviceRegistration;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Conversions between Camel message bodies and PSON values (for the iotmp-device component too), and the headers every
 * device exchange carries.
 */
public final class PsonBodies {

    private PsonBodies() {
    }

    /**
     * The body as a value PSON can carry: PSON-native types as they are, streams and buffers as bytes, anything else
     * through Camel's type converters to a Map when one exists (e.g. a POJO with Jackson on the classpath), else to a
     * String.
     */
    public static Object toPson(Exchange exchange, Object body) {
        if (body == null || body instanceof String || body instanceof Number || body instanceof Boolean
            || body instanceof Map<?, ?> || body instanceof Collection<?> || body instanceof byte[]
            || body instanceof Object[] || body instanceof Character || body instanceof BigInteger
            || body instanceof BigDecimal) {
            return body;
        }
        if (body instanceof InputStream || body instanceof ByteBuffer) {
            return exchange.getContext().getTypeConverter().convertTo(byte[].class, exchange, body);
        }
        Map<?, ?> map = exchange.getContext().getTypeConverter().tryConvertTo(Map.class, exchange, body);
        if (map != null) {
            return map;
        }
        return exchange.getContext().getTypeConverter().convertTo(String.class, exchange, body);
    }

    static void setDeviceHeaders(Message message, DeviceRegistration registration) {
        putDeviceHeaders(message.getHeaders(), registration);
    }

    static void putDeviceHeaders(Map<String, Object> headers, DeviceRegistration registration) {
        headers.put(IotmpConstants.USER, registration.user());
        headers.put(IotmpConstants.DEVICE, registration.device());
        headers.put(IotmpConstants.REMOTE_ADDRESS, String.valueOf(registration.remoteAddress()));
        headers.put(IotmpConstants.GENERATION, registration.generation().name());
    }
}
