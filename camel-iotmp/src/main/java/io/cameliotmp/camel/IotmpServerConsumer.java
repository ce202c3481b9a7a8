package io.cameliotmp.camel;

import java.util.function.Consumer;

import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerManager;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;

/**
 * A consumer that lives on the embedded server: it takes a reference on the server when it starts, attaches itself
 * (a subscription, a handler, a listener), and undoes both, in reverse order, when it stops — so the server exists
 * exactly as long as some route needs it.
 */
abstract class IotmpServerConsumer extends DefaultConsumer {

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
    protected void doStop() throws Exception {
        if (attachment != null) {
            attachment.close();
            attachment = null;
        }
        if (serverHandle != null) {
            serverHandle.close();
            serverHandle = null;
        }
        finishTakenWork();
        super.doStop(); // stops the route's processor: nothing runs through the route after this
    }

    /**
     * Detached, with the route still running: a consumer that holds samples or calls it took but has not handed to
     * the route yet (a batch) hands them on here and waits for them.
     */
    protected void finishTakenWork() throws Exception {
        // nothing held by default
    }
}
