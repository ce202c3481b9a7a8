package io.cameliotmp.camel.device;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

import io.cameliotmp.camel.PsonBodies;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpDisconnectedException;
import io.cameliotmp.protocol.PsonValues;
import io.cameliotmp.protocol.session.Answers;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the server's services as the device, or streams a value on a resource of the device. Never blocks on the
 * network: the exchange continues when the server answers (on a thread of the component's, never the device's
 * event loop). Failures are the device client's typed exceptions: {@code IotmpErrorException} when the server
 * refuses, {@code IotmpRequestTimeoutException} when it does not answer in time, {@code IotmpDisconnectedException}
 * when the device is not connected or the connection is lost meanwhile.
 */
public class IotmpDeviceProducer extends DefaultAsyncProducer {

    private static final Logger LOG = LoggerFactory.getLogger(IotmpDeviceProducer.class);
    /** How many resource names without a consumer route {@link #warnIfUndeclared} remembers (and warns of). */
    static final int MAX_UNDECLARED_WARNED = 16;

    private final IotmpDeviceEndpoint endpoint;
    private volatile SharedDevice shared;
    /** The resource names {@link #warnIfUndeclared} warned of. */
    private final Set<String> undeclaredWarned = ConcurrentHashMap.newKeySet();

    public IotmpDeviceProducer(IotmpDeviceEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        SharedDevice acquired = endpoint.acquire(device -> {
        });
        shared = acquired;
        if (endpoint.isLazyStartProducer() && acquired.isStarted()) {
            awaitFirstConnection(acquired);
        }
    }

    /**
     * A lazy producer starts on its first message, on the caller's thread, often making its connection only then: that
     * message would always fail as not connected yet. Waits for the connection, at most as long as one attempt may
     * take (the TCP connect and the CONNECT's answer); the message then fails as before if it is still not connected.
     */
    private void awaitFirstConnection(SharedDevice acquired) {
        IotmpDevice device = acquired.device();
        if (device.isConnected()) {
            return;
        }
        IotmpDeviceConfiguration config = endpoint.getConfiguration();
        device.awaitConnected(Duration.ofMillis(config.getConnectTimeout() + config.getRequestTimeout()));
    }

    @Override
    protected void doStop() throws Exception {
        SharedDevice attached = shared;
        shared = null;
        if (attached != null) {
            endpoint.release(attached);
        }
        super.doStop();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        CompletionStage<Object> result;
        try {
            result = perform(exchange);
        } catch (Exception e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        if (result == null) {
            callback.done(true); // done synchronously, body and headers already set
            return true;
        }
        try {
            result.whenCompleteAsync((value, failure) -> {
                if (failure != null) {
                    exchange.setException(Answers.unwrap(failure));
                }
                callback.done(false);
            }, endpoint.getComponent().replies());
        } catch (RejectedExecutionException | NullPointerException e) {
            // the component is stopping: its reply threads are gone
            exchange.setException(new RejectedExecutionException("the iotmp-device component is stopping", e));
            callback.done(true);
            return true;
        }
        return false;
    }

    /**
     * Starts the operation: a stage that sets the outcome on the exchange when it completes, or null when the
     * operation finished synchronously. A switch over every operation, so the compiler names this place when one is
     * added.
     */
    private CompletionStage<Object> perform(Exchange exchange) throws IotmpDisconnectedException {
        Message in = exchange.getMessage();
        IotmpDeviceConfiguration config = endpoint.getConfiguration();
        IotmpDeviceOperation operation = endpoint.kind() == IotmpDeviceEndpoint.Kind.topic
                ? IotmpDeviceOperation.publish
                : in.getHeader(IotmpDeviceConstants.OPERATION, config.getOperation(), IotmpDeviceOperation.class);
        String target = in.getHeader(IotmpDeviceConstants.TARGET, endpoint.name(), String.class);
        if (target == null || target.isEmpty()) {
            throw new IllegalArgumentException(operation + " needs a target (the endpoint's path or the "
                                               + IotmpDeviceConstants.TARGET + " header)");
        }
        SharedDevice connection = shared; // read once: a stop sets it to null
        if (connection == null) {
            throw new IotmpDisconnectedException("the producer of " + endpoint.getEndpointUri() + " is stopped");
        }
        IotmpDevice device = connection.device();
        Object body = in.getBody();
        Object value = PsonBodies.toPson(exchange, body);
        boolean confirm = config.isConfirm();
        return switch (operation) {
            case stream -> {
                boolean streamed = body == null ? device.stream(target) : device.streamChanged(target, value);
                in.setHeader(IotmpDeviceConstants.STREAMED, streamed);
                if (!streamed) {
                    warnIfUndeclared(device, target);
                }
                yield null;
            }
            case writeBucket -> keepBody(device.writeBucket(target, value, confirm));
            case callEndpoint -> keepBody(device.callEndpoint(target, value, confirm));
            case setProperty -> keepBody(device.setProperty(target, value, confirm));
            case readProperty -> answerAsBody(in, device.readProperty(target));
            case callDevice -> {
                int slash = target.indexOf('/');
                if (slash <= 0 || slash == target.length() - 1) {
                    throw new IllegalArgumentException("callDevice needs the target {device}/{resource}, got "
                                                       + target);
                }
                CompletionStage<Object> output = device.callDevice(target.substring(0, slash),
                        target.substring(slash + 1), value, confirm);
                yield confirm ? answerAsBody(in, output) : keepBody(output);
            }
            case publish -> keepBody(connection.publish(target, config.isRetained(), value).thenApply(sent -> null));
            case lock -> lock(in, device, target, value);
            case unlock -> keepBody(device.unlock(target, lockToken(in, value), confirm));
        };
    }

    /**
     * A stream on a resource no consumer route of the connection declares goes nowhere, ever: said once per name at
     * WARN, the exchange going on as for a resource without open streams. Only once the context has started: before,
     * the consumer routes may not have declared their resources yet. The names come from the exchange (the target
     * header), so at most {@value #MAX_UNDECLARED_WARNED} are remembered and warned of, each bounded in the line.
     */
    private void warnIfUndeclared(IotmpDevice device, String target) {
        if (device.hasResource(target) || !endpoint.getCamelContext().isStarted()) {
            return;
        }
        if (undeclaredWarned.size() < MAX_UNDECLARED_WARNED && undeclaredWarned.add(target)) {
            // not the endpoint's URI: it may carry the credential
            LOG.warn("No consumer route of IOTMP device {} declares the resource '{}': the stream operation sends "
                     + "nothing on it (said once per resource name)", device, PsonValues.text(target));
        }
    }

    private static CompletionStage<Object> keepBody(CompletionStage<?> call) {
        return call.thenApply(answer -> null);
    }

    private static CompletionStage<Object> answerAsBody(Message in, CompletionStage<Object> call) {
        return call.thenApply(answer -> {
            in.setBody(answer);
            return answer;
        });
    }

    /** The body, when it is a map, holds the options ({@code slots}, {@code timeout}, {@code lock}). */
    @SuppressWarnings("unchecked")
    private static CompletionStage<Object> lock(Message in, IotmpDevice device, String sync, Object value) {
        Map<String, Object> options = value instanceof Map<?, ?> map ? new LinkedHashMap<>((Map<String, Object>) map)
                : null;
        return device.lock(sync, options).thenApply(answer -> {
            in.setBody(answer);
            Object token = answer instanceof Map<?, ?> map ? map.get("lock") : answer;
            if (token instanceof String text) {
                in.setHeader(IotmpDeviceConstants.LOCK_TOKEN, text);
            }
            return answer;
        });
    }

    private static String lockToken(Message in, Object value) {
        String token = in.getHeader(IotmpDeviceConstants.LOCK_TOKEN, String.class);
        if (token == null && value instanceof Map<?, ?> map && map.get("lock") instanceof String text) {
            token = text;
        } else if (token == null && value instanceof String text) {
            token = text;
        }
        if (token == null) {
            throw new IllegalArgumentException("unlock needs the lock token: the " + IotmpDeviceConstants.LOCK_TOKEN
                                               + " header, or the body");
        }
        return token;
    }

}
