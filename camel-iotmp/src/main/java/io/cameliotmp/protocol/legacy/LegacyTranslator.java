package io.cameliotmp.protocol.legacy;

import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MalformedFrame;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * The handler after a {@link LegacyFrameCodec} that lets the rest of a pipeline speak IOTMP messages, for the server
 * end and the device end alike: legacy messages read are translated to IOTMP messages (or dropped, when the other end
 * expects nothing), a malformed legacy frame becomes a {@link MalformedFrame}, and IOTMP messages written are
 * translated to legacy messages (or completed without a write, for what the legacy protocol has no message for).
 * What each end translates, and the ids it remembers to do so, is its own.
 */
public abstract class LegacyTranslator extends ChannelDuplexHandler {

    private ChannelHandlerContext context;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    /** This handler's context in its pipeline, for what a translation sends or passes on by itself. */
    protected final ChannelHandlerContext context() {
        return context;
    }

    /** The IOTMP message a legacy message read stands for, or null when nothing is passed on. */
    protected abstract IotmpMessage translateRead(LegacyMessage message);

    /** The legacy message an IOTMP message written stands for, or null when nothing is written. */
    protected abstract LegacyMessage translateWrite(IotmpMessage message);

    /**
     * The malformed IOTMP frame a malformed legacy frame read stands for. By default one of no type, which answers no
     * request; an end that knows the ids of its requests can name the one a malformed answer was for.
     */
    protected MalformedFrame translateMalformed(MalformedLegacyFrame malformed) {
        return new MalformedFrame(null, malformed.cause());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof MalformedLegacyFrame malformed) {
            ctx.fireChannelRead(translateMalformed(malformed));
        } else if (msg instanceof LegacyMessage message) {
            IotmpMessage translated = translateRead(message);
            if (translated != null) {
                ctx.fireChannelRead(translated);
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof IotmpMessage message)) {
            ctx.write(msg, promise);
            return;
        }
        LegacyMessage translated = translateWrite(message);
        if (translated == null) {
            promise.setSuccess();
        } else {
            ctx.write(translated, promise);
        }
    }
}
