package io.cameliotmp.server;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The epoll jar is an optional dependency: a user without it must still get a working server (on NIO) even with
 * nativeTransport on. The server classes are loaded here by a class loader that cannot see any epoll class.
 */
class WithoutEpollTest {

    /** Loads the project and Netty itself, child first, and refuses every epoll class. */
    private static final class NoEpollClassLoader extends URLClassLoader {

        NoEpollClassLoader(URL[] urls) {
            super(urls, ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("io.netty.channel.epoll.")) {
                throw new ClassNotFoundException(name + " (hidden by the test)");
            }
            return super.loadClass(name, resolve);
        }
    }

    /** Runs inside the isolated class loader. */
    public static final class Starter {
        public static int startAndStop() {
            IotmpServer server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(0)
                    .nativeTransport(true).build());
            server.start();
            try {
                return server.localAddress().getPort();
            } finally {
                server.stop();
            }
        }
    }

    @Test
    void serverStartsOnNioWhenEpollClassesAreMissing() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            urls.add(new File(entry).toURI().toURL());
        }
        try (NoEpollClassLoader loader = new NoEpollClassLoader(urls.toArray(URL[]::new))) {
            assertThat(Class.forName(IotmpServer.class.getName(), false, loader)).isNotSameAs(IotmpServer.class);
            Object port = loader.loadClass(Starter.class.getName()).getMethod("startAndStop").invoke(null);
            assertThat((Integer) port).isPositive();
        }
    }
}
