package io.cameliotmp.camel;

import java.util.function.Consumer;

import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerManager;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.Suspendable;
import org.apache.camel.spi.ShutdownAware;
import org.apache.camel.support.DefaultConsumer;

/**
 * A consumer that lives on the embedded server: it takes a reference on the server when it starts, attaches itself
 * (a subscription, a handler, a listener), and undoes both, in reverse order, when it stops — so the server exists
 * exactly as long as some route needs it.
 * <p>
 * Suspendable, so that Camel's graceful shutdown suspends it first, waits for the exchanges in its route, and only
 * then stops it: a consumer that cannot suspend is stopped at once, and its stop stops the route's processors, so the
 * exchanges still in the route failed half way (a device's call answered ERROR, a sample never reaching the route's
 * end). Suspended, it is detached (takes nothing new) but keeps the server and lets the route finish; resumed, it
 * attaches again.
 */
abstract class IotmpServerConsumer extends DefaultConsumer implements Suspendable, ShutdownAware {

    private final IotmpEndpoint endpoint;
    private volatile IotmpServerManager.Handle serverHandle;
    private AutoCloseable attachment;

    IotmpServerConsumer(IotmpEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    /** The server while this consumer is started, else null. */
    protected IotmpServer server() {
        IotmpServerManager.Handle handle = serverHandle;
        return handle == null ? null : handle.server();
    }

    /**
     * Hands the route one exchange of {@code bytes}, whose message {@code fill} sets, within the bounds of
     * {@code deliveries}: beyond them the delivery is dropped and counted before anything is made for it (a flood of
     * events peers cause costs no exchanges). A failure of the route is reported to the exception handler as
     * {@code failure}. Nothing is handed on once this consumer is stopping: the server tells its listeners in turn on
     * the thread that delivers, which may reach this one after it detached, and the stopped route would refuse the
     * exchange and the exception handler log it, a line per message.
     */
    protected final void deliver(DeliveriesInFlight deliveries, long bytes, Consumer<Message> fill, String failure) {
        if (!isRunAllowed()) {
            return;
        }
        DeliveriesInFlight.Place place = deliveries.tryTake(server(), bytes);
        if (place == null) {
            return;
        }
        Exchange exchange;
        try {
            exchange = createExchange(true);
            fill.accept(exchange.getMessage());
        } catch (RuntimeException e) {
            deliveries.release(place);
            throw e;
        }
        getAsyncProcessor().process(exchange, deliveries.releasing(place, doneSync -> {
            if (exchange.getException() != null) {
                getExceptionHandler().handleException(failure, exchange, exchange.getException());
            }
        }));
    }

    /** Registers this consumer with the server; the returned handle detaches it. */
    protected abstract AutoCloseable attach(IotmpServer server) throws Exception;

    @Override
    public IotmpEndpoint getEndpoint() {
        return endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        serverHandle = endpoint.acquireServer(this);
        attachment = attach(serverHandle.server());
    }

    @Override
    protected void doSuspend() throws Exception {
        detach();
        handOnTakenWork();
    }

    @Override
    protected void doResume() throws Exception {
        prepareToTakeWork();
        attachment = attach(serverHandle.server());
    }

    @Override
    protected void doStop() throws Exception {
        detach();
        if (serverHandle != null) {
            serverHandle.close();
            serverHandle = null;
        }
        finishTakenWork();
        super.doStop(); // stops the route's processor: nothing runs through the route after this
    }

    private void detach() throws Exception {
        if (attachment != null) {
            AutoCloseable attached = attachment;
            attachment = null;
            attached.close();
        }
    }

    /**
     * Detached, with the route still running: a consumer that holds samples or calls it took but has not handed to
     * the route yet (a batch) hands them on here and waits for them.
     */
    protected void finishTakenWork() throws Exception {
        // nothing held by default
    }

    /** Suspended: hands on what it holds (a batch) without waiting; Camel waits for the route and the pending. */
    protected void handOnTakenWork() {
        // nothing held by default
    }

    /** Resuming, before attaching again: makes what {@link #handOnTakenWork()} closed anew. */
    protected void prepareToTakeWork() {
        // nothing held by default
    }

    /** Suspending rather than stopping at once is what lets the route finish, so shutdown is never deferred. */
    @Override
    public boolean deferShutdown(ShutdownRunningTask shutdownRunningTask) {
        return false;
    }

    /** What it took and has not handed to the route yet: Camel's graceful shutdown waits for those too. */
    @Override
    public int getPendingExchangesSize() {
        return 0;
    }

    @Override
    public void prepareShutdown(boolean suspendOnly, boolean forced) {
        // suspending detaches; nothing else to prepare
    }
}
