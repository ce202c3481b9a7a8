package io.cameliotmp.camel.device;

import org.apache.camel.Processor;
import org.apache.camel.Suspendable;
import org.apache.camel.support.DefaultConsumer;

/**
 * A consumer that lives on a device connection: it takes a reference on the connection when it starts, attaching
 * itself (a resource, a subscription, a listener) before the connection connects, and undoes both, in reverse order,
 * when it stops — so the connection exists exactly as long as some route needs it.
 * <p>
 * Suspendable, so that Camel's graceful stop (of the route or the context) suspends it first, waits for the exchanges
 * in its route and only then stops it: a consumer that cannot suspend is stopped at once, and its stop stops the
 * route's processors under a call of the server still in the route, which then fails half way. Suspended, it is
 * detached (its resource is gone from the device's API, its subscription or listener ends) but keeps its reference
 * on the connection and lets the route finish; resumed, it attaches again.
 */
abstract class IotmpDeviceConsumer extends DefaultConsumer implements Suspendable {

    private final IotmpDeviceEndpoint endpoint;
    private SharedDevice shared;
    /** Whether {@link #attach} holds, from start or resume to suspend or stop. */
    private boolean attached;

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

    /**
     * Whether the route takes the work the device hands it: not once the consumer is suspending or stopping, when
     * what the device queued for it before it detached is refused rather than run.
     */
    protected boolean takesWork() {
        return isRunAllowed() && !isSuspendingOrSuspended();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        shared = endpoint.acquire(this::attach);
        attached = true;
    }

    @Override
    protected void doSuspend() throws Exception {
        SharedDevice device = shared;
        if (device != null && attached) {
            attached = false;
            detach(device);
        }
    }

    @Override
    protected void doResume() throws Exception {
        SharedDevice device = shared;
        if (device != null && !attached) {
            attach(device);
            attached = true;
        }
    }

    @Override
    protected void doStop() throws Exception {
        SharedDevice device = shared;
        shared = null;
        if (device != null) {
            try {
                if (attached) {
                    attached = false;
                    detach(device);
                }
            } finally {
                endpoint.release(device);
            }
        }
        super.doStop();
    }
}
