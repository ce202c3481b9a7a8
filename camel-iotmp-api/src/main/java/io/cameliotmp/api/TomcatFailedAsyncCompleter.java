package io.cameliotmp.api;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes a request that went asynchronous and whose connection failed on the request thread itself, before that
 * thread returns to Tomcat: the client left while its response started (a device-events subscription whose opening
 * comment met the client's reset; an upload reset mid-body, whose error answer then met it). Without this, each such
 * request cost an INFO line with a stack trace, "Encountered a non-recycled request and recycled it forcedly", which
 * any client could cause at will.
 * <p>
 * Why: Tomcat 10.1 ({@code CoyoteAdapter.service}) reports the failure to the request's async listeners, and Spring
 * MVC answers it with an async dispatch, to render the error. But a connection in error is closed as soon as the
 * request thread returns ({@code Http11Processor.service} answers {@code CLOSED}), so the dispatch never runs, and the
 * request is left unrecycled until the processor is released, which then logs the line above. Tomcat ends such a
 * request cleanly only when it is completing, not dispatching, at that point (its async dispatches, on the other hand,
 * handle both). So this valve, around everything else (an engine valve: after the error page too, which may be what
 * ran into the closed connection), completes a request found asynchronous, not completing yet, with its connection in
 * error: the async listeners get their {@code onComplete} (Spring MVC ends the request: a call gives its answer up, an
 * emitter its stream), nothing is written any more, and Tomcat recycles the request as usual. A failure on another
 * thread once the request thread has returned takes Tomcat's async error dispatch, which needs nothing of this; one
 * while it is still in Tomcat would race this check, so the streams' writer threads wait for that thread to return
 * before their first write ({@link EventStreamWriters}), a call's answer is sent only then
 * ({@link AsyncPlatformHttpConsumer}), and a download's streaming starts only then ({@link FileDownloads}).
 */
final class TomcatFailedAsyncCompleter extends ValveBase {

    private static final Logger LOG = LoggerFactory.getLogger(TomcatFailedAsyncCompleter.class);

    TomcatFailedAsyncCompleter() {
        super(true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        try {
            getNext().invoke(request, response);
        } finally {
            completeIfFailed(request, response);
        }
    }

    private static void completeIfFailed(Request request, Response response) {
        if (!request.isAsync() || request.isAsyncCompleting()) {
            return;
        }
        AtomicBoolean failed = new AtomicBoolean();
        response.getCoyoteResponse().action(ActionCode.IS_ERROR, failed);
        if (!failed.get()) {
            return;
        }
        try {
            request.getAsyncContextInternal().complete();
            LOG.debug("{} {}: the connection failed while the request went asynchronous; request completed",
                    request.getMethod(), request.getRequestURI());
        } catch (IllegalStateException e) {
            // completed or dispatched meanwhile: Tomcat ends it its own way
            LOG.debug("{} {}: completing the failed request: {}", request.getMethod(), request.getRequestURI(),
                    e.toString());
        }
    }
}
