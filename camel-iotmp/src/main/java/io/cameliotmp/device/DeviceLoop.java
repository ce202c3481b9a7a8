package io.cameliotmp.device;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loop a device's state is confined to, and the hops onto it: public methods may be called from any thread
 * and complete their stages from the loop.
 */
final class DeviceLoop {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceLoop.class);

    /** A task on the loop that may fail its stage by throwing. */
    @FunctionalInterface
    interface Task {
        void run() throws Exception;
    }

    private final EventLoop loop;

    DeviceLoop(EventLoop loop) {
        this.loop = loop;
    }

    /**
     * The device's own event loop group (one thread, shut down on close), or null when the configuration names a
     * shared group to take a loop of.
     */
    static EventLoopGroup ownGroup(DeviceClientConfig config) {
        return config.group() != null ? null
                : new NioEventLoopGroup(1, new DefaultThreadFactory("iotmp-device-" + config.device(), true));
    }

    EventLoop eventLoop() {
        return loop;
    }

    boolean inLoop() {
        return loop.inEventLoop();
    }

    /** Runs {@code task} on the loop; if it throws or the loop is gone, {@code result} fails instead. */
    void run(CompletableFuture<?> result, Task task) {
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        };
        try {
            runOrThrow(guarded);
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IotmpDisconnectedException("device is closed", e));
        }
    }

    /** Runs {@code task} on the loop, or drops it when the loop is gone. */
    void run(Runnable task) {
        try {
            runOrThrow(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("event loop gone, dropping a task");
        }
    }

    void runOrThrow(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    /**
     * Fails {@code sent} with {@link IotmpRequestTimeoutException} unless it completes within {@code timeoutMillis}.
     * For sends the server does not answer: their stage completes when the frame is written, which a server that
     * stopped reading delays for as long as it keeps the connection open; a caller (a Camel route) must not wait
     * for that longer than for an answer.
     */
    void writeDeadline(CompletableFuture<?> sent, long timeoutMillis, Object what) {
        if (sent.isDone()) {
            return;
        }
        try {
            ScheduledFuture<?> deadline = loop.schedule(() -> {
                sent.completeExceptionally(new IotmpRequestTimeoutException(
                        what + " not written within " + timeoutMillis + " ms: the server is not reading"));
            }, timeoutMillis, TimeUnit.MILLISECONDS);
            sent.whenComplete((value, error) -> deadline.cancel(false));
        } catch (RejectedExecutionException e) {
            sent.completeExceptionally(new IotmpDisconnectedException("device is closed", e));
        }
    }

    static <T> void propagate(CompletableFuture<? extends T> source, CompletableFuture<T> target) {
        source.whenComplete((value, error) -> {
            if (error != null) {
                target.completeExceptionally(error);
            } else {
                target.complete(value);
            }
        });
    }

    /** Completes {@code target} when the write is done, or fails it with {@link IotmpDisconnectedException}. */
    static void propagate(Future<Void> written, CompletableFuture<Void> target) {
        written.addListener(result -> {
            if (result.isSuccess()) {
                target.complete(null);
            } else {
                target.completeExceptionally(new IotmpDisconnectedException("write failed", result.cause()));
            }
        });
    }
}
