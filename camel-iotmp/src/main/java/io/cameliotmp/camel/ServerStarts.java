package io.cameliotmp.camel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;

/**
 * The servers the component's consumers and producers are starting or failed to start, for the health check: a
 * server that is still starting (joining its cluster, binding) or could not start (its port taken) is in no list of
 * running servers, and a check that looked only at those said UP while no device could connect.
 * <p>
 * Kept per consumer or producer, a failure only the last of its endpoint, until its next start succeeds or its
 * endpoint leaves the context (its route removed). Not until it stops: Camel stops a consumer whose start failed right
 * away, and with a supervising route controller the route stays in the running context and is started again later.
 */
final class ServerStarts {

    /**
     * A start of the server at {@code address} ({@code host:port} as configured) for a consumer or producer of
     * {@code endpoint}, going on while {@code failure} is null.
     */
    record Attempt(String address, Endpoint endpoint, String failure) {

        boolean failed() {
            return failure != null;
        }
    }

    private final Map<Object, Attempt> attempts = new ConcurrentHashMap<>();

    void starting(Object owner, Endpoint endpoint, String address) {
        attempts.put(owner, new Attempt(address, endpoint, null));
    }

    /**
     * {@code owner} has its server; so has any other owner of the same endpoint whose start failed, which may never
     * try again: a producer template makes a new producer for each send whose producer failed to start.
     */
    void started(Object owner, Endpoint endpoint) {
        attempts.remove(owner);
        attempts.values().removeIf(attempt -> attempt.failed() && attempt.endpoint() == endpoint);
    }

    /**
     * {@code owner} could not start its server. Only the last failure of an endpoint is kept: a producer template
     * makes a new producer for each send whose producer failed to start, so a loop of sends made one more entry,
     * holding its producer, for every send.
     */
    void failed(Object owner, Endpoint endpoint, String address, Throwable failure) {
        String why = failure.getMessage() != null ? failure.getMessage() : failure.getClass().getName();
        attempts.remove(owner);
        attempts.values().removeIf(attempt -> attempt.failed() && attempt.endpoint() == endpoint);
        attempts.put(owner, new Attempt(address, endpoint, why));
    }

    void clear() {
        attempts.clear();
    }

    /** The attempts whose endpoint is still the context's; the others are forgotten. */
    List<Attempt> current(CamelContext context) {
        List<Attempt> current = new ArrayList<>();
        if (attempts.isEmpty()) {
            return current;
        }
        // by identity: a URI looked up again need not normalise to the key the endpoint is registered under
        Set<Endpoint> registered = Collections.newSetFromMap(new IdentityHashMap<>());
        registered.addAll(context.getEndpoints());
        attempts.forEach((owner, attempt) -> {
            if (registered.contains(attempt.endpoint())) {
                current.add(attempt);
            } else {
                attempts.remove(owner, attempt);
            }
        });
        return current;
    }
}
