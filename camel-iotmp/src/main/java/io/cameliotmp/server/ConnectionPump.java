package io.cameliotmp.server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.EventExecutor;

/**
 * The Netty side of a connection, on the I/O thread. It counts each frame as read before handing it over, so that a
 * handler that blocks the session's executor still stops the reading, and hands events to a worker through an inbox
 * drained in batches: one task, and one wake-up of the worker, for the frames of one read (at its end, or every
 * {@code DRAIN_BATCH} frames) rather than one per frame.
 * Without workers the session runs on the I/O thread and events are handled at once.
 */
final class ConnectionPump extends ChannelInboundHandlerAdapter implements Runnable {

    /** The event that tells the session its channel is gone. */
    static final Object CHANNEL_INACTIVE = new Object();
    /** The event that tells the session its channel is active. */
    static final Object CHANNEL_ACTIVE = new Object();

    private static final int DRAIN_BATCH = 256;
    private static final VarHandle DRAIN_SCHEDULED;

    static {
        try {
            DRAIN_SCHEDULED = MethodHandles.lookup().findVarHandle(ConnectionPump.class, "drainScheduled", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final FlowControl flow;
    private final Session session;
    /** The worker given at construction, else the channel's I/O thread once the handler is added. */
    private EventExecutor executor;
    private String name;
    private Queue<Object> inbox;
    private volatile int drainScheduled;
    /** Frames queued by the current read and not yet handed to the worker; I/O thread only. */
    private int unscheduled;
    /** Whether frames arrived since the last read ended; I/O thread only. */
    private boolean framesArrived;

    /**
     * @param worker  where the session runs; null to run it on the channel's I/O thread
     * @param session what handles the events, one object for the three callbacks (a server holds one per device)
     */
    ConnectionPump(EventExecutor worker, FlowControl flow, Session session) {
        this.executor = worker;
        this.flow = flow;
        this.session = session;
    }

    /** The session side of the pump. */
    interface Session {
        /** Handles an event, on the executor, in the order the I/O thread read them. */
        void handle(Object event);

        /**
         * Handles a frame on the I/O thread when it can; asked only while the executor has nothing of this
         * connection queued or running.
         *
         * @param weight the estimated heap of the frame's decoded values
         * @return whether the frame was handled; false to queue it for the executor
         */
        boolean handledOnArrival(Object frame, long weight);

        /**
         * The estimated heap of the frame being read (the codec's, see {@code IotmpFrameCodec.lastFrameWeight}).
         */
        long frameWeight();
    }

    /** Where the session runs; set once the handler is in the pipeline. */
    EventExecutor executor() {
        return executor;
    }

    /** The handler's name in the pipeline, for handlers that must go before it. */
    String name() {
        return name;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        name = ctx.name();
        if (executor == null) {
            executor = ctx.executor();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        dispatch(CHANNEL_ACTIVE);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        framesArrived = true;
        long weight = session.frameWeight();
        // nothing queued and no drain running: whatever the executor does next comes after this frame anyway
        if (drainScheduled == 0 && (inbox == null || inbox.isEmpty()) && session.handledOnArrival(msg, weight)) {
            return;
        }
        flow.frameRead(weight);
        if (executor.inEventLoop()) {
            session.handle(msg);
            return;
        }
        // the worker is woken once for the frames of a read, not once per frame: on a busy core each wake-up is a
        // context switch, which costs more than handling a small frame
        queue(msg);
        if (unscheduled++ == 0) {
            // for frames that arrive outside a read (a decode resumed, a synthesized answer): after this I/O round,
            // in run(), which tells this task from a drain by the thread it runs on
            ctx.executor().execute(this);
        } else if (unscheduled >= DRAIN_BATCH) {
            scheduleQueued();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (framesArrived) {
            framesArrived = false;
            flow.framesArrived();
        }
        scheduleQueued();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            dispatch(evt);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        dispatch(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        dispatch(CHANNEL_INACTIVE);
        ctx.fireChannelInactive();
    }

    private void dispatch(Object event) {
        if (executor.inEventLoop()) {
            session.handle(event);
            return;
        }
        queue(event);
        scheduleDrain();
    }

    private void queue(Object event) {
        if (inbox == null) {
            inbox = new ConcurrentLinkedQueue<>();
        }
        inbox.offer(event);
    }

    /** Hands the frames queued since the last hand-off to the worker. I/O thread only. */
    private void scheduleQueued() {
        if (unscheduled > 0) {
            unscheduled = 0;
            scheduleDrain();
        }
    }

    private void scheduleDrain() {
        if (DRAIN_SCHEDULED.compareAndSet(this, 0, 1)) {
            try {
                executor.execute(this);
            } catch (RejectedExecutionException e) {
                // the worker is gone, so nothing else touches the session: handle here rather than lose a close
                for (Object queued = inbox.poll(); queued != null; queued = inbox.poll()) {
                    session.handle(queued);
                }
                drainScheduled = 0;
            }
        }
    }

    /**
     * On the executor, drains the inbox a batch at a time so that one busy device does not starve the others. On the
     * I/O thread (queued there by {@link #channelRead} when the executor is another thread), hands the frames queued
     * since the last hand-off to the executor: the pump is its own task for both, rather than hold a second task
     * object for as long as its device stays.
     */
    @Override
    public void run() {
        if (!executor.inEventLoop()) {
            scheduleQueued();
            return;
        }
        for (int i = 0; i < DRAIN_BATCH; i++) {
            Object event = inbox.poll();
            if (event == null) {
                break;
            }
            session.handle(event);
        }
        drainScheduled = 0;
        if (!inbox.isEmpty() && DRAIN_SCHEDULED.compareAndSet(this, 0, 1)) {
            executor.execute(this);
        }
    }
}
