package io.cameliotmp.api;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;

import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * Tomcat's HTTP/1.1 NIO connector with a bound on the connections open per client address
 * ({@link ConnectionsPerAddress}), enforced where Tomcat accepts a connection: before any byte of it is read, so that
 * requests whose headers never end cannot hold connections beyond it (no valve or filter sees them). A connection
 * beyond the bound is closed at once, before Tomcat allocates anything for it.
 * <p>
 * Tomcat 10.1's {@link NioEndpoint} has two ways a connection ends, and each gives the place back exactly once: a
 * connection Tomcat took on is closed by {@link SocketWrapperBase#close()}, which tells the endpoint's handler
 * ({@code release}) once per connection, under its own guard; one it did not take on (its wrapper was never made, or
 * the endpoint stopped before) is closed by {@code destroySocket}. {@link ConnectionsPerAddress#release} does nothing
 * for a connection already given back, or never admitted.
 * <p>
 * Its handler also lets a request reach its own connection, while Tomcat runs it: a Server-Sent Events response gives
 * its connection a write timeout of its own ({@link ConnectionWriteTimeout}).
 * <p>
 * Installed by its class name ({@code TomcatServletWebServerFactory.setProtocol}, Tomcat instantiates it), then given
 * its bound by a connector customizer ({@link #bound}); until then (and with a bound of 0) it bounds nothing.
 */
public class AddressBoundedNioProtocol extends Http11NioProtocol {

    private final BoundedEndpoint endpoint;

    public AddressBoundedNioProtocol() {
        this(new BoundedEndpoint());
    }

    private AddressBoundedNioProtocol(BoundedEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    /** The bound the connections are admitted by, from now on. */
    void bound(ConnectionsPerAddress perAddress) {
        endpoint.perAddress = perAddress;
    }

    /** The endpoint that admits connections by their address, and gives their places back as they close. */
    static final class BoundedEndpoint extends NioEndpoint {

        private volatile ConnectionsPerAddress perAddress;

        @Override
        protected boolean setSocketOptions(SocketChannel socket) {
            ConnectionsPerAddress bound = perAddress;
            if (bound != null && !bound.admit(socket, remoteAddress(socket))) {
                // closed here, the endpoint's count of connections given back: true tells the acceptor it is handled
                destroySocket(socket);
                return true;
            }
            return super.setSocketOptions(socket);
        }

        /** A connection closed without a wrapper: refused, or failed before Tomcat took it on. */
        @Override
        protected void destroySocket(SocketChannel socket) {
            try {
                release(socket);
            } finally {
                super.destroySocket(socket);
            }
        }

        /** The handler AbstractProtocol gives the endpoint, told of every wrapped connection's close. */
        @Override
        public void setHandler(Handler<NioChannel> handler) {
            super.setHandler(new ReleasingHandler(handler));
        }

        private void release(SocketChannel socket) {
            ConnectionsPerAddress bound = perAddress;
            if (bound != null) {
                bound.release(socket);
            }
        }

        private static InetAddress remoteAddress(SocketChannel socket) {
            try {
                SocketAddress remote = socket.getRemoteAddress();
                // a Unix domain socket (a proxy's, on this host) has no address to count by
                return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
            } catch (IOException gone) {
                return null;
            }
        }

        /**
         * Gives a connection's place back when Tomcat closes it, before the delegate releases its processor; the
         * channel is still the wrapper's then (Tomcat resets it only after). Processes as serving the connection.
         */
        private final class ReleasingHandler implements Handler<NioChannel> {

            private final Handler<NioChannel> delegate;

            ReleasingHandler(Handler<NioChannel> delegate) {
                this.delegate = delegate;
            }

            /** The connection's requests may set its write timeout meanwhile ({@link ConnectionWriteTimeout}). */
            @Override
            public SocketState process(SocketWrapperBase<NioChannel> socket, SocketEvent status) {
                return ConnectionWriteTimeout.serving(socket, () -> delegate.process(socket, status));
            }

            @Override
            public Object getGlobal() {
                return delegate.getGlobal();
            }

            @Override
            public void release(SocketWrapperBase<NioChannel> socketWrapper) {
                try {
                    NioChannel channel = socketWrapper.getSocket();
                    if (channel != null) {
                        BoundedEndpoint.this.release(channel.getIOChannel());
                    }
                } finally {
                    delegate.release(socketWrapper);
                }
            }

            @Override
            public void pause() {
                delegate.pause();
            }

            @Override
            public void recycle() {
                delegate.recycle();
            }
        }
    }
}
