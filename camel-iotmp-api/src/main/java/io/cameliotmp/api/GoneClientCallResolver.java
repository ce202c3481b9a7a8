package io.cameliotmp.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Ends a call of the routes ({@link AsyncPlatformHttpConsumer.Call}) whose request fails because its client is gone,
 * and answers nothing.
 * <p>
 * Why: Tomcat reports the failure a request met to its async listeners as is; after a body read that met the client's
 * reset that is {@code SocketException: Connection reset}, a message Spring MVC does not take for a disconnect (it
 * knows "connection reset by peer"), so it makes the failure the request's result and rethrows it in an async dispatch.
 * Unresolved, the dispatch logged it at ERROR with its stack trace, twice, and went on to the error page; any client
 * could cause that by resetting an upload at the right moment. Resolved here, first of the resolvers (an application's
 * own exception handlers have nothing to answer a gone client either), the dispatch ends normally, and with it the
 * request: the call is given up, a late answer dropped and an answer being sent abandoned.
 */
final class GoneClientCallResolver implements HandlerExceptionResolver {

    private static final Logger LOG = LoggerFactory.getLogger(GoneClientCallResolver.class);

    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
                                         Exception failure) {
        if (!(request.getAttribute(AsyncPlatformHttpConsumer.CALL) instanceof AsyncPlatformHttpConsumer.Call call)
            || !AsyncPlatformHttpConsumer.isClientGone(failure)) {
            return null;
        }
        LOG.debug("{}: the client is gone ({}); the call ends", call, failure.toString());
        call.ended();
        // resolved, and nothing to render: no one is there to read it
        return new ModelAndView();
    }
}
