package io.cameliotmp.camel;

import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerManager;
import org.apache.camel.support.DefaultAsyncProducer;

/** A producer that holds a reference on the embedded server from start to stop, like {@link IotmpServerConsumer}. */
abstract class IotmpServerProducer extends DefaultAsyncProducer {

    private final IotmpEndpoint endpoint;
    private IotmpServerManager.Handle serverHandle;

    IotmpServerProducer(IotmpEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public IotmpEndpoint getEndpoint() {
        return endpoint;
    }

    protected IotmpServer server() {
        return serverHandle.server();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        serverHandle = endpoint.acquireServer(this);
    }

    @Override
    protected void doStop() throws Exception {
        if (serverHandle != null) {
            serverHandle.close();
            serverHandle = null;
        }
        super.doStop();
    }
}
