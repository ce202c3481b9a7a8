package io.cameliotmp.device;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.Gen1Layout;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.session.Answers;
import io.cameliotmp.protocol.session.StreamParameters;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device's resources as the server uses them on one connection (docs/protocol.md §6, §7): RUN and DESCRIBE
 * answered by the resource handlers, and the streams the server opened on resources, sampled at their interval or
 * sent on change. Runs on the device's event loop; {@link #sendOnStreams} may be called from any thread.
 */
final class ResourceStreams {

    private static final Logger LOG = LoggerFactory.getLogger(ResourceStreams.class);
    /** What {@link #read} gives when the resource's handler failed: nothing is sent on that stream. */
    private static final Object NOT_READ = new Object();

    /** A stream the server opened on a device resource. */
    static final class DeviceStream {
        final int id;
        final DeviceResource resource;
        final String path;
        final Map<String, String> pathParams;
        final Object parameters;
        final long intervalMillis;
        ScheduledFuture<?> sampler;

        DeviceStream(int id, DeviceResource resource, String path, Map<String, String> pathParams, Object parameters,
                     long intervalMillis) {
            this.id = id;
            this.resource = resource;
            this.path = path;
            this.pathParams = pathParams;
            this.parameters = parameters;
            this.intervalMillis = intervalMillis;
        }

        /** Whether {@link IotmpDevice#stream(String)} with this name targets the stream. */
        boolean isFor(String name) {
            return path.equals(name) || resource.name().equals(name);
        }

        void cancelSampler() {
            if (sampler != null) {
                sampler.cancel(false);
                sampler = null;
            }
        }
    }

    private final ClientConnection connection;
    private final IotmpDevice device;
    private final DeviceLoop loop;
    /** Server-opened streams on device resources, by stream id. */
    private final Map<Integer, DeviceStream> streams = new ConcurrentHashMap<>();
    /** The event-mode stream of each concrete path: a new one replaces the old (docs/protocol.md §7.2). */
    private final Map<String, DeviceStream> eventStreams = new HashMap<>();
    /** A handler failure the server caused was logged at WARN on this connection; further ones go to DEBUG. */
    private boolean handlerFailureLogged;

    ResourceStreams(ClientConnection connection, IotmpDevice device, EventLoop loop) {
        this.connection = connection;
        this.device = device;
        this.loop = new DeviceLoop(loop);
    }

    boolean contains(int id) {
        return streams.containsKey(id);
    }

    void closeAll() {
        for (DeviceStream stream : streams.values()) {
            stream.cancelSampler();
        }
        streams.clear();
        eventStreams.clear();
    }

    boolean onRun(IotmpMessage run) {
        int id = run.streamId();
        String path = run.resourcePath();
        ResourceRegistry.Match match = path != null ? device.resources().find(path) : null;
        if (match == null) {
            LOG.debug("{}: RUN of unknown resource {}", device, run.resource());
            connection.answerError(id, null, null);
            return true;
        }
        DeviceResource resource = match.resource();
        ResourceKind kind = resource.kind();
        Object input = run.payload();
        ResourceRequest request = new ResourceRequest(device, path, match.pathParams(), input, run.parameters(),
                kind.takesInput() && input == null, 0);
        device.invokeHandler(resource, request, (result, error) -> {
            if (id == 0) {
                // no stream id: the server wants no answer (docs/protocol.md §4.1)
                if (error != null) {
                    handlerFailed("resource " + path, error);
                }
                return;
            }
            if (error != null) {
                answerFailure(id, path, error);
            } else {
                connection.write(kind.producesOutput() ? IotmpMessage.ok(id, result) : IotmpMessage.ok(id));
            }
        });
        return true;
    }

    boolean onDescribe(IotmpMessage describe) {
        int id = describe.streamId();
        if (id == 0) {
            return false;
        }
        if (describe.resource() == null) {
            connection.write(IotmpMessage.ok(id, device.resources().describeAll()));
            return true;
        }
        String path = describe.resourcePath();
        ResourceRegistry.Match match = path != null ? device.resources().find(path) : null;
        if (match == null) {
            connection.answerError(id, null, null);
            return true;
        }
        DeviceResource resource = match.resource();
        ResourceKind kind = resource.kind();
        if (kind == ResourceKind.RUN) {
            connection.write(IotmpMessage.ok(id));
            return true;
        }
        ResourceRequest request = new ResourceRequest(device, path, match.pathParams(), null,
                describe.parameters(), true, 0);
        device.invokeHandler(resource, request, (result, error) -> {
            if (error != null) {
                answerFailure(id, path, error);
                return;
            }
            Map<String, Object> description = new LinkedHashMap<>();
            if (kind == ResourceKind.INPUT) {
                putIfPresent(description, "in", result != null ? result : resource.inputSample());
            } else {
                putIfPresent(description, "in", resource.inputSample());
                putIfPresent(description, "out", result);
            }
            connection.write(IotmpMessage.ok(id, description));
        });
        return true;
    }

    private static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    boolean onStart(IotmpMessage start) {
        int id = start.streamId();
        if (id == 0) {
            return false;
        }
        if (connection.usedByDevice(id)) {
            // STREAM_DATA on the id would go to this stream instead of the device's subscription (or request);
            // refused with the server's status for an id in use
            connection.write(Answers.error(id, 409, "stream id " + id + " is in use"));
            return true;
        }
        String path = start.resourcePath();
        ResourceRegistry.Match match = path != null ? device.resources().find(path) : null;
        if (match == null || match.resource().kind() == ResourceKind.RUN) {
            // unknown resource, or a fn 1 resource that a stream would execute over and over (§7.2)
            connection.answerError(id, null, null);
            return true;
        }
        long interval = StreamParameters.intervalOf(start.parameters());
        if (refusedOverLimit(id, path, interval)) {
            return true;
        }
        if (interval > 0) {
            // a server asking for 1 ms would keep the handlers busy with nothing else: it gets samples this often
            interval = Math.max(interval, device.config().minStreamInterval().toMillis());
        }
        DeviceStream previous = streams.remove(id);
        if (previous != null) {
            forget(previous);
        }
        DeviceStream stream = new DeviceStream(id, match.resource(), path, match.pathParams(), start.parameters(),
                interval);
        if (interval == 0) {
            DeviceStream replaced = eventStreams.put(path, stream);
            if (replaced != null) {
                streams.remove(replaced.id);
                replaced.cancelSampler();
            }
        }
        streams.put(id, stream);
        connection.write(IotmpMessage.ok(id));
        sendCurrentValue(stream, interval > 0); // the echo; interval sampling starts after it
        return true;
    }

    /**
     * Answers a START_STREAM with ERROR 429, as the server answers a device over its stream quota, when it would open
     * more than {@link IotmpDeviceBuilder#maxServerStreams} streams: each one costs a timer and handler runs, and
     * pattern resources accept any number of paths. One that replaces a stream (same id, or the event stream of the
     * same path) opens nothing new.
     */
    private boolean refusedOverLimit(int id, String path, long interval) {
        int limit = device.config().maxServerStreams();
        boolean replaces = streams.containsKey(id) || interval == 0 && eventStreams.containsKey(path);
        if (replaces || streams.size() < limit) {
            return false;
        }
        LOG.debug("{}: refusing stream {} on {}: {} streams are open", device, id, path, streams.size());
        device.transportStats().serverStreamRefused();
        connection.write(Answers.error(id, 429, "the device has " + limit + " streams open, the most it allows"));
        return true;
    }

    /** The server stopped a stream on a resource; returns whether it was one. */
    boolean stop(int id) {
        DeviceStream stream = streams.remove(id);
        if (stream == null) {
            return false;
        }
        forget(stream);
        return true;
    }

    /**
     * The application removed {@code resource}: its streams end as a session that ends on the device's side does
     * (docs/protocol.md §7.4), with a STOP_STREAM. Left open, an interval stream would
     * keep sampling a handler that is gone, and the server would wait for data that never comes.
     */
    void endStreamsOf(DeviceResource resource) {
        for (DeviceStream stream : new ArrayList<>(streams.values())) {
            if (stream.resource == resource && streams.remove(stream.id, stream)) {
                forget(stream);
                connection.endResourceStream(stream.id);
            }
        }
    }

    private void forget(DeviceStream stream) {
        stream.cancelSampler();
        eventStreams.remove(stream.path, stream);
    }

    /** New input for a resource a stream is open on; false when the id is not one of them. */
    boolean onData(IotmpMessage data) {
        int id = data.streamId();
        DeviceStream stream = streams.get(id);
        if (stream == null) {
            return false;
        }
        DeviceResource resource = stream.resource;
        Object input = data.payload();
        ResourceRequest request = new ResourceRequest(device, stream.path, stream.pathParams, input,
                stream.parameters, resource.kind().takesInput() && input == null, id);
        device.invokeHandler(resource, request, (result, error) -> {
            if (error != null) {
                handlerFailed("stream data for " + stream.path, error);
            } else if (resource.kind() == ResourceKind.INPUT && streams.get(id) == stream) {
                sendCurrentValue(stream, false); // echo the new state (§7.3)
            }
        });
        return true;
    }

    private void scheduleSample(DeviceStream stream) {
        stream.sampler = loop.eventLoop().schedule(() -> sample(stream), stream.intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** One interval sample; the next one is scheduled once this one has been read (see {@link #sendCurrentValue}). */
    private void sample(DeviceStream stream) {
        if (streams.get(stream.id) == stream) {
            sendCurrentValue(stream, true);
        }
    }

    /**
     * Reads the resource's current value (output, or state of an input resource) and sends it on the stream.
     *
     * @param scheduleNext whether to schedule the next interval sample after the value was read: counting the
     *                     interval from then guarantees at least the interval between two reads, however long the
     *                     handler takes and wherever it runs
     */
    private void sendCurrentValue(DeviceStream stream, boolean scheduleNext) {
        ResourceRequest request = readRequest(stream);
        device.invokeHandler(stream.resource, request, (value, error) -> {
            if (streams.get(stream.id) != stream) {
                return; // stopped, replaced or disconnected meanwhile
            }
            if (error != null) {
                handlerFailed("reading " + stream.path + " for stream " + stream.id, error);
            } else {
                connection.write(streamData(stream, value));
            }
            if (scheduleNext) {
                scheduleSample(stream);
            }
        });
    }

    /** STREAM_DATA for a device stream; gen-1 marks whether the payload is an input state or an output. */
    private IotmpMessage streamData(DeviceStream stream, Object value) {
        Object marker = null;
        // the legacy adapter wraps the payload as {"in":…} or {"out":…} by the same marker
        if (device.generation() != Generation.GEN2) {
            marker = stream.resource.kind() == ResourceKind.INPUT ? Gen1Layout.STREAM_INPUT : Gen1Layout.STREAM_OUTPUT;
        }
        return IotmpMessage.of(MessageType.STREAM_DATA, stream.id, marker, value, null);
    }

    /**
     * The value of a stream's resource for {@link IotmpDevice#stream(String)}, read by its handler on the calling
     * thread; {@link #NOT_READ} if the handler failed.
     */
    private Object read(DeviceStream stream) {
        ResourceRequest request = readRequest(stream);
        try {
            return stream.resource.handler().handle(request);
        } catch (Exception e) {
            LOG.warn("{}: reading {} for stream {} failed: {}", device, stream.path, stream.id, e.toString());
            return NOT_READ;
        }
    }

    /** The request that reads a stream's resource for a sample: no input, the stream's path and parameters. */
    private ResourceRequest readRequest(DeviceStream stream) {
        return new ResourceRequest(device, stream.path, stream.pathParams, null, stream.parameters,
                stream.resource.kind().takesInput(), stream.id);
    }

    /** Sends a value the application produced on a stream, if the stream is still open. */
    private void sendOnStream(DeviceStream stream, Object value) {
        if (streams.get(stream.id) == stream) {
            connection.write(streamData(stream, value));
        }
    }

    /**
     * A handler failed on something the server sent or asked for, with nobody to answer: input on a stream, a RUN
     * without id, a sample. Said once a connection at WARN (the application must learn its handler fails), the rest
     * at DEBUG: a server repeating what the handler refuses must not fill the application's log.
     */
    private void handlerFailed(String what, Throwable error) {
        if (!handlerFailureLogged) {
            handlerFailureLogged = true;
            LOG.warn("{}: {} failed (further handler failures of this connection at DEBUG): {}", device, what,
                    error.toString());
        } else {
            LOG.debug("{}: {} failed: {}", device, what, error.toString());
        }
    }

    private void answerFailure(int id, String path, Throwable error) {
        if (error instanceof IotmpErrorException answer) {
            connection.answerError(id, answer.parameters(), answer.payload());
            return;
        }
        LOG.debug("{}: resource {} failed", device, path, error);
        String text = error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("error", text);
        connection.answerError(id, null, payload);
    }

    /**
     * Sends {@code value}, or with {@code readResource} what the resource's handler gives for each stream (read on the
     * calling thread), on the streams the server opened on {@code name} (concrete or registered path): with
     * {@code onChangeOnly}, on the on-change (event-mode) ones alone. For {@link IotmpDevice#stream(String)} and its
     * kin, from any thread; the frames are sent from the loop.
     *
     * @return whether any such stream was open
     */
    boolean sendOnStreams(String name, boolean onChangeOnly, boolean readResource, Object value) {
        List<DeviceStream> targets = streamsFor(name);
        if (onChangeOnly) {
            // as in IOTMP-Linux's stream(): only on-change (event-mode) streams; interval streams keep their pace
            targets = targets.stream().filter(target -> target.intervalMillis == 0).toList();
        }
        for (DeviceStream target : targets) {
            Object sent = readResource ? read(target) : value;
            if (sent != NOT_READ) {
                loop.run(() -> sendOnStream(target, sent));
            }
        }
        return !targets.isEmpty();
    }

    /** The open streams {@link IotmpDevice#stream} targets with {@code name} (concrete or registered path). */
    List<DeviceStream> streamsFor(String name) {
        List<DeviceStream> targets = new ArrayList<>(1);
        for (DeviceStream stream : streams.values()) {
            if (stream.isFor(name)) {
                targets.add(stream);
            }
        }
        return targets;
    }
}
