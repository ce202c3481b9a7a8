package io.cameliotmp.camel;

import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerManager;
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

    /** Registers this consumer with the server; the returned handle detaches it. */
    protected abstract AutoCloseable attach(IotmpServer server) throws Exception;

    @Override
    public IotmpEndpoint getEndpoint() {
        return endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        serverHandle = endpoint.acquireServer();
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
