package io.cameliotmp.camel.device;

import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;

/**
 * A consumer that lives on a device connection: it takes a reference on the connection when it starts, attaching
 * itself (a resource, a subscription, a listener) before the connection connects, and undoes both, in reverse order,
 * when it stops — so the connection exists exactly as long as some route needs it.
 */
abstract class IotmpDeviceConsumer extends DefaultConsumer {

    private final IotmpDeviceEndpoint endpoint;
    private SharedDevice shared;

    IotmpDeviceConsumer(IotmpDeviceEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    /** Attaches this consumer to the connection, before it connects if it is new. */
    protected abstract void attach(SharedDevice device) throws Exception;

    /** Undoes {@link #attach}. */
    protected abstract void detach(SharedDevice device);

    @Override
    public IotmpDeviceEndpoint getEndpoint() {
        return endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        shared = endpoint.acquire(this::attach);
    }

    @Override
    protected void doStop() throws Exception {
        SharedDevice attached = shared;
        shared = null;
        if (attached != null) {
            try {
                detach(attached);
            } finally {
                endpoint.release(attached);
            }
        }
        super.doStop();
    }
}
