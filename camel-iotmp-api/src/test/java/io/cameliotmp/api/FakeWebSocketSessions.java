package io.cameliotmp.api;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/** WebSocket sessions of the tests' own, for the classes that take one without a web server. */
final class FakeWebSocketSessions {

    /** What a send does: return, or wait as one to a client that does not read would. */
    interface Send {
        void run() throws Exception;
    }

    private FakeWebSocketSessions() {
    }

    /**
     * A session of a terminal of {@code demo/dev-1} that records its first close in {@code closed} (open until then)
     * and runs {@code send} for every message sent to it.
     */
    static WebSocketSession terminal(AtomicReference<CloseStatus> closed, Send send) {
        Map<String, Object> attributes = new ConcurrentHashMap<>();
        return (WebSocketSession) Proxy.newProxyInstance(FakeWebSocketSessions.class.getClassLoader(),
                new Class<?>[] {WebSocketSession.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getUri" -> URI.create("ws://localhost/v3/users/demo/devices/dev-1/sessions/terminal");
                    case "getAttributes" -> attributes;
                    case "getId" -> "test";
                    case "isOpen" -> closed.get() == null;
                    case "close" -> {
                        closed.compareAndSet(null, args != null && args.length == 1 ? (CloseStatus) args[0]
                                : CloseStatus.NORMAL);
                        yield null;
                    }
                    case "sendMessage" -> {
                        send.run();
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "test socket";
                    default -> null;
                });
    }
}
