package io.cameliotmp.device;

import java.util.Map;

import io.cameliotmp.protocol.PsonValues;

/**
 * One call of a device resource handler: a RUN, a DESCRIBE, a stream sample or echo, or data the server sent on a
 * stream.
 */
public final class ResourceRequest {

    private final IotmpDevice device;
    private final String path;
    private final Map<String, String> pathParams;
    private final Object input;
    private final Object parameters;
    private final boolean describeMode;
    private final int streamId;

    ResourceRequest(IotmpDevice device, String path, Map<String, String> pathParams, Object input, Object parameters,
                    boolean describeMode, int streamId) {
        this.device = device;
        this.path = path;
        this.pathParams = pathParams;
        this.input = input;
        this.parameters = parameters;
        this.describeMode = describeMode;
        this.streamId = streamId;
    }

    /** The input value sent by the server (PSON as plain Java values), or {@code null} when there is none. */
    public Object input() {
        return input;
    }

    /**
     * The PARAMETERS of the request: handler options of a RUN, or the parameters of the START_STREAM for stream
     * samples, echoes and stream data. {@code null} when absent.
     */
    public Object parameters() {
        return parameters;
    }

    /**
     * Captures of the registered path pattern: {@code :name} segments and a trailing {@code *name}, by name. Empty for
     * resources registered with a literal path.
     */
    public Map<String, String> pathParams() {
        return pathParams;
    }

    /** One capture of the path pattern, or {@code null}. */
    public String pathParam(String name) {
        return pathParams.get(name);
    }

    /** The concrete path the server used (for pattern resources this differs from the registered path). */
    public String path() {
        return path;
    }

    /**
     * True when the server only wants the current value and no input is given: DESCRIBE, stream echoes and samples of
     * resources that take input, and a RUN without input on such a resource. The handler must then return its current
     * state without side effects (docs/protocol.md §6.2, §6.4).
     */
    public boolean describeMode() {
        return describeMode;
    }

    /** The stream this call belongs to (stream sample, echo or stream data), or 0 for RUN and DESCRIBE. */
    public int streamId() {
        return streamId;
    }

    /** The device handling the call, e.g. to push data on the stream later with {@link IotmpDevice#stream}. */
    public IotmpDevice device() {
        return device;
    }

    @Override
    public String toString() {
        return "ResourceRequest[" + path + (describeMode ? " describe" : "")
               + (streamId != 0 ? " stream=" + streamId : "")
               + (input != null ? " input=" + PsonValues.toString(input) : "")
               + (parameters != null ? " params=" + PsonValues.toString(parameters) : "") + "]";
    }
}
