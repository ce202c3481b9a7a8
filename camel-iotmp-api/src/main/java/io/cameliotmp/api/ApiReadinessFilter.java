package io.cameliotmp.api;

import java.io.IOException;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.CamelContext;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers the API's requests 503 (with {@code Retry-After}) while Camel is not running. Tomcat accepts requests as soon
 * as it starts, seconds before Camel has started the routes that serve the API, and keeps accepting while Camel stops
 * at shutdown: without this filter a client (or a load balancer's check) would get 404 "no such path" for a path that
 * exists, and could take the node for a broken one instead of one that is starting or stopping.
 */
final class ApiReadinessFilter extends OncePerRequestFilter {

    /** Seconds a refused client is asked to wait: starting takes seconds, and so does moving to another node. */
    static final String RETRY_AFTER_SECONDS = "1";

    /** One message for both: Camel's status does not tell a context not started yet from one stopped. */
    static final String NOT_RUNNING = "the API is not running (starting or stopping); try again in a moment";

    private final CamelContext camel;
    private final ObjectMapper json;

    ApiReadinessFilter(CamelContext camel, ObjectMapper json) {
        this.camel = camel;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (camel.isStarted()) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        ApiErrorResponse.write(response, json, new ApiError(503, NOT_RUNNING));
    }
}
