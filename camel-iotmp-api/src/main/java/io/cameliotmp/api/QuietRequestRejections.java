package io.cameliotmp.api;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.servlet.mvc.support.DefaultHandlerExceptionResolver;

/**
 * Answers the API's requests that Spring MVC itself refuses (a method the path does not take, say: 405) as Spring's
 * {@link DefaultHandlerExceptionResolver} does, but logs them at DEBUG: that one logs a WARN line per refused request,
 * so any client could fill the log. Other paths keep Spring's resolver and its logging.
 */
final class QuietRequestRejections extends DefaultHandlerExceptionResolver {

    QuietRequestRejections() {
        setWarnLogCategory(null);
    }

    @Override
    protected boolean shouldApplyTo(HttpServletRequest request, Object handler) {
        String path = request.getRequestURI();
        return path != null && path.startsWith("/v3/");
    }
}
