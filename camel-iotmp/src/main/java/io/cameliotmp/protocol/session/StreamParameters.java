package io.cameliotmp.protocol.session;

import java.util.LinkedHashMap;
import java.util.Map;

/** The PARAMETERS of a START_STREAM on a resource (docs/protocol.md §7.2): the sampling interval and extras. */
public final class StreamParameters {

    /** The key of the sampling interval in milliseconds. */
    public static final String INTERVAL = "interval";

    private StreamParameters() {
    }

    /**
     * PARAMETERS for a stream: {@code extra} (a map, copied in its order) plus {@code {"interval": ms}} when
     * {@code intervalMillis > 0}; null when there is nothing to send, which asks for an on-change stream.
     */
    public static Object encode(long intervalMillis, Object extra) {
        if (intervalMillis <= 0 && extra == null) {
            return null;
        }
        Map<String, Object> params = new LinkedHashMap<>();
        if (extra instanceof Map<?, ?> map) {
            map.forEach((k, v) -> params.put(String.valueOf(k), v));
        }
        if (intervalMillis > 0) {
            params.put(INTERVAL, intervalMillis);
        }
        return params;
    }

    /**
     * The sampling interval in ms: {@code {"interval": ms}} as the server sends it, or a bare number as
     * IOTMP-Embedded also accepts. Absent, 0 or anything else means an on-change stream (0).
     */
    public static long intervalOf(Object parameters) {
        Object interval = parameters instanceof Map<?, ?> map ? map.get(INTERVAL) : parameters;
        return interval instanceof Number n && n.longValue() > 0 ? n.longValue() : 0;
    }
}
