package io.cameliotmp.cluster;

import org.jgroups.Message;
import org.jgroups.protocols.PerDestinationBundler;
import org.jgroups.util.ByteArrayDataOutputStream;

/**
 * JGroups' default bundler (one queue and one sending thread per destination), except that a message flagged
 * {@link Message.Flag#DONT_BUNDLE} goes out at once on the thread that sends it, as the flag says; JGroups 5.5's
 * bundlers no longer look at it. Forwarded calls and their answers carry the flag ({@link CallChannel}): each is one
 * small message someone waits for, so the hand-off to the bundler's thread would only add to its latency. Everything
 * else (Infinispan's traffic) is bundled as before.
 */
public final class UnbundledSends extends PerDestinationBundler {

    public UnbundledSends() {
        // a sending thread per destination: then the transport locks each connection for a send (JGroups' own rule,
        // JGRP-2901), which the sends on callers' threads need just as much
        useSingleSenderThread(false);
    }

    @Override
    public void send(Message msg) throws Exception {
        if (!msg.isFlagSet(Message.Flag.DONT_BUNDLE)) {
            super.send(msg);
            return;
        }
        if (msg.getSrc() == null) {
            msg.setSrc(transport.getAddress());
        }
        // a buffer of its own: several threads may send at once (the connection serializes the writes)
        sendSingle(msg.dest(), msg, new ByteArrayDataOutputStream(msg.size() + 64));
    }
}
