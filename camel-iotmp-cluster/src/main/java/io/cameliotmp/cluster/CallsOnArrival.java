package io.cameliotmp.cluster;

import org.jgroups.Message;
import org.jgroups.blocks.RequestCorrelator;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.FORK;
import org.jgroups.protocols.TpHeader;
import org.jgroups.util.MaxOneThreadPerSender;

/**
 * JGroups' default message processing, except that the request of a forwarded call is handed up on the thread that
 * read it from the connection, instead of being queued for a thread of the pool. Serving a call never blocks (it
 * looks the device up and writes the request to its connection; the answer goes back from the thread that completes
 * it; a relayed stream sample is handed to its stream's thread), so the reading thread is free again at once and the
 * call saves a hand-off. Everything else, answers included
 * (a caller's answer goes on to a Camel route), takes JGroups' usual way.
 * <p>
 * Installed by class name ({@code TP.setMessageProcessingPolicy}), hence public.
 */
public final class CallsOnArrival extends MaxOneThreadPerSender {

    private static final short CORRELATOR = ClassConfigurator.getProtocolId(RequestCorrelator.class);

    @Override
    public boolean process(Message msg, boolean oob) {
        if (!oob || !isForwardedCall(msg)) {
            return super.process(msg, oob);
        }
        TpHeader header = msg.getHeader(tp_id);
        tp.passMessageUp(msg, header != null ? header.clusterName() : null, true, msg.getDest() == null, true);
        return true;
    }

    /** A request of the fork channel forwarded calls travel on ({@link CallChannel}). */
    static boolean isForwardedCall(Message msg) {
        if (!msg.isFlagSet(Message.Flag.DONT_BUNDLE)) {
            return false;
        }
        FORK.ForkHeader fork = msg.getHeader(FORK.ID);
        if (fork == null || !CallChannel.FORK_STACK.equals(fork.getForkStackId())
            || !CallChannel.FORK_CHANNEL.equals(fork.getForkChannelId())) {
            return false;
        }
        RequestCorrelator.Header call = msg.getHeader(CORRELATOR);
        return call != null && call.type == RequestCorrelator.Header.REQ;
    }
}
