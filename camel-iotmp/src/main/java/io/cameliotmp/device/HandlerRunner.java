package io.cameliotmp.device;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an {@link IotmpDevice} runs application code: resource handlers and the callbacks given to it, on its loop
 * or on the configured {@link IotmpDeviceBuilder#handlerExecutor}, so that a slow handler never holds the protocol.
 */
final class HandlerRunner {

    // the device's logger: a failing callback has always been logged under its name
    private static final Logger LOG = LoggerFactory.getLogger(IotmpDevice.class);

    private final Object device;
    private final DeviceLoop loop;
    /** Null runs everything on the loop. */
    private final Executor executor;

    HandlerRunner(Object device, DeviceLoop loop, Executor executor) {
        this.device = device;
        this.loop = loop;
        this.executor = executor;
    }

    /** Runs a resource handler where handlers run, and {@code then} with its outcome on the loop. */
    void invokeHandler(DeviceResource resource, ResourceRequest request, BiConsumer<Object, Throwable> then) {
        if (executor == null) {
            Object result;
            try {
                result = resource.handler().handle(request);
            } catch (Exception | AssertionError e) {
                then.accept(null, e);
                return;
            }
            then.accept(result, null);
            return;
        }
        try {
            executor.execute(() -> {
                Object result = null;
                Throwable error = null;
                try {
                    result = resource.handler().handle(request);
                } catch (Exception | AssertionError e) {
                    error = e;
                }
                Object finalResult = result;
                Throwable finalError = error;
                loop.run(() -> then.accept(finalResult, finalError));
            });
        } catch (RejectedExecutionException e) {
            then.accept(null, e);
        }
    }

    /** Runs an application callback where handlers run; failures are logged, never propagated into the protocol. */
    void runCallback(Runnable callback) {
        Runnable guarded = () -> {
            try {
                callback.run();
            } catch (RuntimeException | AssertionError e) {
                LOG.warn("{}: callback failed", device, e);
            }
        };
        if (executor == null) {
            guarded.run();
        } else {
            try {
                executor.execute(guarded);
            } catch (RejectedExecutionException e) {
                LOG.warn("{}: handler executor rejected a callback", device);
            }
        }
    }
}
