package io.cameliotmp.api;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Answers a request to a WebSocket endpoint that is no WebSocket handshake (another method than GET, no
 * {@code Upgrade: websocket} or no {@code Connection: upgrade}) with the API's JSON error: 405 with {@code Allow: GET},
 * or 400. Spring's handshake answered these itself, with an empty body or a line of plain text, where every other
 * path of the API answers {@code {"status", "error", "message"}}. The checks are Spring's, done first.
 */
final class HandshakeRequestCheck implements HandshakeInterceptor {

    private final ObjectMapper json;

    HandshakeRequestCheck(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                                   Map<String, Object> attributes) throws IOException {
        if (!(response instanceof ServletServerHttpResponse servletResponse)) {
            return true;
        }
        ApiError refused = null;
        if (!HttpMethod.GET.equals(request.getMethod())) {
            servletResponse.getServletResponse().setHeader(HttpHeaders.ALLOW, HttpMethod.GET.name());
            refused = new ApiError(405, "a WebSocket is opened with GET");
        } else if (!"websocket".equalsIgnoreCase(request.getHeaders().getUpgrade())
                   || !isUpgrade(request.getHeaders().getConnection())) {
            refused = new ApiError(400, "this path is a WebSocket: the request needs Upgrade: websocket and"
                                        + " Connection: upgrade");
        }
        if (refused == null) {
            return true;
        }
        ApiErrorResponse.write(servletResponse.getServletResponse(), json, refused);
        return false;
    }

    private static boolean isUpgrade(List<String> connection) {
        return connection.stream().anyMatch("upgrade"::equalsIgnoreCase);
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                               Exception exception) {
        // nothing to undo: the check takes nothing
    }
}
