package io.cameliotmp.api;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Answers 400 to a WebSocket handshake whose address {@link URI} cannot parse, such as a query with a malformed
 * %-escape ({@code ?cols=%zz}), which Tomcat's request line accepts. Tomcat's WebSocket handshake builds that URI and,
 * failing, the handshake failed with a 500 and an ERROR line with its stack trace: a line per request of whoever
 * holds a token. The API's filters decode the path, not the query, so this is the check before Tomcat's.
 */
final class HandshakeUriCheck implements HandshakeInterceptor {

    private final ObjectMapper json;

    HandshakeUriCheck(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                                   Map<String, Object> attributes) throws IOException {
        if (!(request instanceof ServletServerHttpRequest servletRequest)
            || !(response instanceof ServletServerHttpResponse servletResponse)) {
            return true;
        }
        HttpServletRequest http = servletRequest.getServletRequest();
        String query = http.getQueryString();
        try {
            // as Tomcat's handshake builds it (WsHandshakeRequest), scheme and host aside
            new URI("ws://localhost" + http.getRequestURI() + (query == null ? "" : "?" + query));
            return true;
        } catch (URISyntaxException e) {
            ApiErrorResponse.write(servletResponse.getServletResponse(), json,
                    new ApiError(400, "the address is not a valid URI: " + e.getReason()));
            return false;
        }
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                               Exception exception) {
        // nothing to undo: the check takes nothing
    }
}
