package io.cameliotmp.server;

import java.util.concurrent.ThreadFactory;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * Chooses epoll or NIO. Every epoll class is referenced only from {@link Epolls}, which is loaded only when epoll was
 * found usable, so the server works without the optional epoll jar (the verifier never has to resolve it).
 */
final class EventLoops {

    private EventLoops() {
    }

    static boolean useEpoll(boolean wanted) {
        if (!wanted) {
            return false;
        }
        try {
            return Epolls.available();
        } catch (LinkageError e) {
            return false;
        }
    }

    static EventLoopGroup group(boolean epoll, int threads, ThreadFactory threadFactory) {
        return epoll ? Epolls.group(threads, threadFactory) : new NioEventLoopGroup(threads, threadFactory);
    }

    static Class<? extends ServerChannel> serverChannel(boolean epoll) {
        return epoll ? Epolls.serverChannel() : NioServerSocketChannel.class;
    }

    /** The only place that names epoll classes. */
    private static final class Epolls {

        static boolean available() {
            return io.netty.channel.epoll.Epoll.isAvailable();
        }

        static EventLoopGroup group(int threads, ThreadFactory threadFactory) {
            return new io.netty.channel.epoll.EpollEventLoopGroup(threads, threadFactory);
        }

        static Class<? extends ServerChannel> serverChannel() {
            return io.netty.channel.epoll.EpollServerSocketChannel.class;
        }
    }
}
