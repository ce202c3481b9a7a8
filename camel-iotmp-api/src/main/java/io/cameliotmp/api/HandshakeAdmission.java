package io.cameliotmp.api;

import java.util.Map;

import io.cameliotmp.api.access.AccessRechecks;
import io.cameliotmp.api.access.ApiAccessFilter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Hands the access filter's admission of a WebSocket's handshake ({@link ApiAccessFilter#ADMISSION}) on to the
 * WebSocket's attributes, under the same name, so that its handler can have the token checked again while the socket
 * stays open ({@link AccessRechecks}).
 */
final class HandshakeAdmission implements HandshakeInterceptor {

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                                   Map<String, Object> attributes) {
        if (request instanceof ServletServerHttpRequest servletRequest) {
            Object admission = servletRequest.getServletRequest().getAttribute(ApiAccessFilter.ADMISSION);
            if (admission != null) {
                attributes.put(ApiAccessFilter.ADMISSION, admission);
            }
        }
        return true;
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                               Exception exception) {
        // nothing to undo: the attributes go with the socket
    }
}
