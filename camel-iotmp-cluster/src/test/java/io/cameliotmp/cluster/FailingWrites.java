package io.cameliotmp.cluster;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.infinispan.Cache;
import org.infinispan.commands.write.DataWriteCommand;
import org.infinispan.commands.write.PutKeyValueCommand;
import org.infinispan.commands.write.RemoveCommand;
import org.infinispan.commands.write.ReplaceCommand;
import org.infinispan.commons.TimeoutException;
import org.infinispan.context.InvocationContext;
import org.infinispan.factories.ComponentRegistry;
import org.infinispan.interceptors.AsyncInterceptorChain;
import org.infinispan.interceptors.DDAsyncInterceptor;

/**
 * Refuses one member's own writes of the given keys of one cache, as a write fails that times out while a member is
 * suspected: an interceptor first in the cache's chain, so the real cache and its callers see the failure.
 */
final class FailingWrites extends DDAsyncInterceptor {

    /** The keys whose writes fail; empty lets every write through. */
    final Set<Object> keys = ConcurrentHashMap.newKeySet();
    final AtomicInteger refused = new AtomicInteger();

    static FailingWrites on(Cache<?, ?> cache) {
        FailingWrites interceptor = new FailingWrites();
        ComponentRegistry.of(cache).getComponent(AsyncInterceptorChain.class).addInterceptor(interceptor, 0);
        return interceptor;
    }

    @Override
    public Object visitRemoveCommand(InvocationContext ctx, RemoveCommand command) throws Throwable {
        refuse(ctx, command);
        return super.visitRemoveCommand(ctx, command);
    }

    @Override
    public Object visitPutKeyValueCommand(InvocationContext ctx, PutKeyValueCommand command) throws Throwable {
        refuse(ctx, command);
        return super.visitPutKeyValueCommand(ctx, command);
    }

    @Override
    public Object visitReplaceCommand(InvocationContext ctx, ReplaceCommand command) throws Throwable {
        refuse(ctx, command);
        return super.visitReplaceCommand(ctx, command);
    }

    private void refuse(InvocationContext ctx, DataWriteCommand command) {
        if (ctx.isOriginLocal() && keys.contains(command.getKey())) {
            refused.incrementAndGet();
            throw new TimeoutException("test: the write of " + command.getKey() + " timed out");
        }
    }
}
