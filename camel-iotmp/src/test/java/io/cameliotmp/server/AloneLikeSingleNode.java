package io.cameliotmp.server;

/**
 * A server alone, as {@link ServerCluster#SINGLE_NODE} is, for the tests that change one part of it (a join that
 * waits, a bus of their own) and keep the rest.
 */
public abstract class AloneLikeSingleNode implements ServerCluster {

    @Override
    public void join(LocalDevices local) {
        SINGLE_NODE.join(local);
    }

    @Override
    public void leave() {
        SINGLE_NODE.leave();
    }

    @Override
    public String memberName() {
        return SINGLE_NODE.memberName();
    }

    @Override
    public DeviceDirectory directory() {
        return SINGLE_NODE.directory();
    }

    @Override
    public CallForwarder forwarder() {
        return SINGLE_NODE.forwarder();
    }

    @Override
    public boolean clustered() {
        return false;
    }
}
