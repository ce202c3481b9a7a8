package io.cameliotmp.cluster;

import java.time.Duration;

import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.StreamListener;

/**
 * A {@link DeviceRequest} on its way to the member holding the device. A stream's listener stays on the calling
 * member: the request carries a relay id instead, and the holder sends each sample back under it.
 *
 * @param relay for {@link Kind#START_STREAM}, the id of the calling member's listener; else 0
 */
record ForwardedRequest(Kind kind, String resource, Object input, Object parameters, int streamId,
                        long intervalMillis, long relay) {

    /** Travels as its ordinal ({@link ForwardedCall#toBytes}): add new kinds at the end only. */
    enum Kind { RUN, DESCRIBE, START_STREAM, STOP_STREAM, STREAM_DATA }

    static ForwardedRequest of(DeviceRequest request, long relay) {
        return request.accept(new DeviceRequest.Visitor<>() {
            @Override
            public ForwardedRequest run(DeviceRequest.Run run) {
                return new ForwardedRequest(Kind.RUN, run.resource(), run.input(), run.parameters(), 0, 0, 0);
            }

            @Override
            public ForwardedRequest describe(DeviceRequest.Describe describe) {
                return new ForwardedRequest(Kind.DESCRIBE, describe.resource(), null, null, 0, 0, 0);
            }

            @Override
            public ForwardedRequest startStream(DeviceRequest.StartStream start) {
                return new ForwardedRequest(Kind.START_STREAM, start.resource(), null, start.extraParameters(), 0,
                        start.intervalMillis(), relay);
            }

            @Override
            public ForwardedRequest stopStream(DeviceRequest.StopStream stop) {
                return new ForwardedRequest(Kind.STOP_STREAM, null, null, null, stop.streamId(), 0, 0);
            }

            @Override
            public ForwardedRequest streamData(DeviceRequest.StreamData data) {
                return new ForwardedRequest(Kind.STREAM_DATA, null, data.payload(), null, data.streamId(), 0, 0);
            }
        });
    }

    /** The request again, on the holder; a stream's samples go to {@code relayListener}. */
    DeviceRequest toRequest(StreamListener relayListener) {
        return switch (kind) {
            case RUN -> new DeviceRequest.Run(resource, input, parameters);
            case DESCRIBE -> new DeviceRequest.Describe(resource);
            case START_STREAM -> new DeviceRequest.StartStream(resource, intervalMillis, parameters, relayListener);
            case STOP_STREAM -> new DeviceRequest.StopStream(streamId);
            case STREAM_DATA -> new DeviceRequest.StreamData(streamId, input);
        };
    }

    /** How the holder's server names this request in its errors. */
    static String describe(DeviceRequest request) {
        return request.accept(new DeviceRequest.Visitor<>() {
            @Override
            public String run(DeviceRequest.Run run) {
                return "RUN " + run.resource();
            }

            @Override
            public String describe(DeviceRequest.Describe describe) {
                return describe.resource() == null ? "DESCRIBE" : "DESCRIBE " + describe.resource();
            }

            @Override
            public String startStream(DeviceRequest.StartStream start) {
                return "START_STREAM " + start.resource();
            }

            @Override
            public String stopStream(DeviceRequest.StopStream stop) {
                return "STOP_STREAM " + stop.streamId();
            }

            @Override
            public String streamData(DeviceRequest.StreamData data) {
                return "STREAM_DATA " + data.streamId();
            }
        });
    }

    static Duration timeoutOf(long millis) {
        return Duration.ofMillis(millis);
    }
}
