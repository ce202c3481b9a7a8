package io.cameliotmp.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;

/**
 * A WebSocket connection for tests that writes IOTMP bytes as text frames (as the reference Linux client does) or
 * binary frames, and exposes what the server sends as one input stream.
 */
public final class WebSocketTestConnection implements AutoCloseable {

    /** Sentinels, compared by identity. */
    private static final byte[] CLOSED = new byte[0];
    private static final byte[] NOT_BINARY = new byte[0];

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Channel channel;
    private volatile String selectedSubprotocol;
    private boolean textFrames = true;

    public WebSocketTestConnection(URI uri, SslContext ssl) throws Exception {
        CountDownLatch handshake = new CountDownLatch(1);
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc(), uri.getHost(), uri.getPort()));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                                new WebSocketClientProtocolHandler(uri, WebSocketVersion.V13, "iotmp", false,
                                        new DefaultHttpHeaders(), 1 << 20),
                                new SimpleChannelInboundHandler<WebSocketFrame>() {
                                    @Override
                                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent
                                                .HANDSHAKE_COMPLETE) {
                                            selectedSubprotocol = ctx.pipeline()
                                                    .get(WebSocketClientProtocolHandler.class).handshaker()
                                                    .actualSubprotocol();
                                            handshake.countDown();
                                        }
                                    }

                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
                                        received.add(frame instanceof BinaryWebSocketFrame
                                                ? ByteBufUtil.getBytes(frame.content()) : NOT_BINARY);
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        received.add(CLOSED);
                                        closed.countDown();
                                    }
                                });
                    }
                }).connect(uri.getHost(), uri.getPort()).sync().channel();
        if (!handshake.await(Waits.WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new IOException("WebSocket handshake did not complete");
        }
    }

    /** The subprotocol the server selected. */
    public String subprotocol() {
        return selectedSubprotocol;
    }

    /** Send the following writes as binary instead of text frames. */
    public void useBinaryFrames() {
        textFrames = false;
    }

    /** Writes bytes split into frames of at most {@code chunk} bytes, to show boundaries carry no meaning. */
    public void sendFramed(byte[] bytes, int chunk) {
        for (int i = 0; i < bytes.length; i += chunk) {
            ByteBuf part = Unpooled.wrappedBuffer(bytes, i, Math.min(chunk, bytes.length - i));
            channel.writeAndFlush(textFrames ? new TextWebSocketFrame(part) : new BinaryWebSocketFrame(part));
        }
    }

    InputStream input() {
        return new InputStream() {
            private byte[] current = new byte[0];
            private int position;

            @Override
            public int read() throws IOException {
                while (position >= current.length) {
                    if (current == CLOSED) {
                        return -1;
                    }
                    try {
                        current = received.poll(Waits.WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException(e);
                    }
                    position = 0;
                    if (current == null) {
                        current = new byte[0];
                        throw new java.net.SocketTimeoutException("nothing received within " + Waits.WAIT);
                    }
                    if (current == NOT_BINARY) {
                        throw new IOException("the server sent a non-binary frame");
                    }
                }
                return current[position++] & 0xFF;
            }
        };
    }

    OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                sendFramed(new byte[] { (byte) b }, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                byte[] copy = java.util.Arrays.copyOfRange(b, off, off + len);
                sendFramed(copy, copy.length);
            }
        };
    }

    boolean closedWithin(Duration timeout) {
        try {
            return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
