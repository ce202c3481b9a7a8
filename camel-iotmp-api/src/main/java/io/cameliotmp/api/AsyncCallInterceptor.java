package io.cameliotmp.api;

import java.time.Duration;

import io.cameliotmp.api.AsyncPlatformHttpConsumer.Call;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.context.request.async.DeferredResultProcessingInterceptor;

/**
 * Tells a device API call ({@link AsyncPlatformHttpConsumer.Call}) when Spring MVC gives up its request before the
 * route completed, so that the late answer is dropped instead of written to a finished response:
 * <ul>
 * <li>the async request timeout ({@code spring.mvc.async.request-timeout}): the client gets a 503 in the API's error
 * shape (if it is still there; if not, writing it fails quietly);</li>
 * <li>an error from the container, such as the connection found closed: nobody is left to answer. Spring MVC runs
 * the {@code DeferredResult}'s own error handling first, which ends the chain, so {@link #handleError} is rarely
 * reached; such a call is given up when the request ends ({@link #afterCompletion}), by {@link CallErrorPageGuard}
 * when the failure says the client has gone, by {@link GoneClientCallResolver} when Spring MVC rethrows such a failure
 * in an async dispatch, and by {@link TomcatFailedAsyncCompleter} when the connection failed on the request's own
 * thread.</li>
 * </ul>
 * It also tells the call when the request has become asynchronous ({@link #preProcess}): only then can its answer be
 * sent with non-blocking I/O. Other asynchronous requests (the SSE streams) are left alone.
 */
final class AsyncCallInterceptor implements DeferredResultProcessingInterceptor {

    private final Duration asyncTimeout;

    AsyncCallInterceptor(Duration asyncTimeout) {
        this.asyncTimeout = asyncTimeout;
    }

    @Override
    public <T> boolean handleTimeout(NativeWebRequest request, DeferredResult<T> result) {
        Call call = call(request);
        if (call == null) {
            return true;
        }
        if (call.abandon("async request timeout")) {
            ApiError error = new ApiError(503, "no answer within " + describe(asyncTimeout)
                                               + ", the longest the server waits for any call");
            result.setErrorResult(ResponseEntity.status(error.status()).contentType(MediaType.APPLICATION_JSON)
                    .body(error.body()));
        }
        // answered one way or the other (an answer being sent has no timeout, see Call.send): Spring's own timeout
        // handling (a 503 with its own body) is not needed
        return false;
    }

    /** The request is asynchronous now: the call's answer may be sent with non-blocking I/O. */
    @Override
    public <T> void preProcess(NativeWebRequest request, DeferredResult<T> result) {
        Call call = call(request);
        if (call != null) {
            call.asyncStarted();
        }
    }

    @Override
    public <T> boolean handleError(NativeWebRequest request, DeferredResult<T> result, Throwable failure) {
        Call call = call(request);
        if (call != null) {
            call.abandon("container error: " + failure);
        }
        return true;
    }

    @Override
    public <T> void afterCompletion(NativeWebRequest request, DeferredResult<T> result) {
        Call call = call(request);
        if (call != null) {
            call.ended();
        }
    }

    private static Call call(NativeWebRequest request) {
        return request.getAttribute(AsyncPlatformHttpConsumer.CALL, RequestAttributes.SCOPE_REQUEST)
                instanceof Call call ? call : null;
    }

    private static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
