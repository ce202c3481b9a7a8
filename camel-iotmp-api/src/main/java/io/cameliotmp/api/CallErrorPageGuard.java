package io.cameliotmp.api;

import java.io.IOException;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Keeps the container's error page out of a response that a call of the routes ({@link AsyncPlatformHttpConsumer})
 * is sending, or has sent, itself. Its answer goes out with non-blocking writes; when the client is gone by then,
 * Tomcat takes the failed write for the request's own failure and forwards the request to the error page, which
 * then wrote its JSON with blocking writes into the non-blocking response: an {@code IllegalStateException} with its
 * stack trace, logged at ERROR three times per request, for a client that merely left (an upload abandoned mid-body).
 * Nor does a call's request whose client is gone (the failure Tomcat recorded says so) need one, whatever the
 * call is doing: no one is there to read it, and the call may start sending its own answer at any moment (its route
 * runs on another thread), which the error page's blocking writes would then run into. The call itself is given up
 * when the request ends, which follows the error dispatch ({@link TomcatFailedAsyncCompleter} sees to it in the case
 * Tomcat would leave open), so its answer is dropped and waits for no reader.
 */
final class CallErrorPageGuard extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(CallErrorPageGuard.class);

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getDispatcherType() != DispatcherType.ERROR;
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Throwable failure = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable recorded
                ? recorded : null;
        boolean clientGone = failure != null && AsyncPlatformHttpConsumer.isClientGone(failure);
        if (request.getAttribute(AsyncPlatformHttpConsumer.CALL) instanceof AsyncPlatformHttpConsumer.Call call) {
            if (call.answersItself()) {
                LOG.debug("{}: no error page, the call answers itself", call);
                return;
            }
            if (clientGone) {
                LOG.debug("{}: no error page, the client is gone: {}", call, failure.toString());
                return;
            }
        } else if (clientGone) {
            // nor any other request whose client is gone (one that left while its body was being read, say): the
            // error page's blocking writes may run into the request's non-blocking mode, and no one reads them
            LOG.debug("{} {}: no error page, the client is gone: {}", request.getMethod(), request.getRequestURI(),
                    failure.toString());
            return;
        }
        chain.doFilter(request, response);
    }

}
