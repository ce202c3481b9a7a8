package io.cameliotmp.device;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Registers one device resource, obtained from {@link IotmpDevice#resource(String)}. Exactly one of the terminal
 * methods ({@link #run}, {@link #input}, {@link #output}, {@link #inputOutput}, {@link #handler}) completes the
 * registration; registering the same path again replaces the earlier resource. Resources may be added while the
 * device is connected; DESCRIBE always reflects the current set.
 */
public final class ResourceBuilder {

    private final IotmpDevice device;
    private final ResourcePath path;
    private Object inputSample;

    ResourceBuilder(IotmpDevice device, String path) {
        this.device = device;
        this.path = new ResourcePath(path);
    }

    /**
     * A sample input reported as {@code "in"} by DESCRIBE of this resource. Input resources registered with a
     * current-state supplier report that state instead; in/out resources have no other way to describe their input.
     */
    public ResourceBuilder inputSample(Object sample) {
        this.inputSample = sample;
        return this;
    }

    /** fn 1: runs {@code action} on every RUN; the answer is a bare OK. */
    public IotmpDevice run(Runnable action) {
        Objects.requireNonNull(action, "action");
        return handler(ResourceKind.RUN, request -> {
            action.run();
            return null;
        });
    }

    /** fn 3: every RUN, stream sample and DESCRIBE ({@code "out"}) reads {@code output}. */
    public IotmpDevice output(Supplier<?> output) {
        Objects.requireNonNull(output, "output");
        return handler(ResourceKind.OUTPUT, request -> output.get());
    }

    /** fn 2 without a readable state: DESCRIBE reports no {@code "in"} (unless {@link #inputSample} is set). */
    public IotmpDevice input(Consumer<Object> setter) {
        return input(setter, null);
    }

    /**
     * fn 2: {@code setter} receives every input from RUN and server stream data; {@code current} (optional) supplies
     * the state for DESCRIBE {@code "in"}, stream echoes and {@link IotmpDevice#stream}.
     */
    public IotmpDevice input(Consumer<Object> setter, Supplier<?> current) {
        Objects.requireNonNull(setter, "setter");
        return handler(ResourceKind.INPUT, request -> {
            if (request.describeMode()) {
                return current != null ? current.get() : inputSample;
            }
            setter.accept(request.input());
            return null;
        });
    }

    /**
     * fn 4: {@code function} maps the input to the output. It receives {@code null} when there is no input (RUN
     * without payload, stream samples, DESCRIBE) and must then return the current output without side effects.
     */
    public IotmpDevice inputOutput(Function<Object, ?> function) {
        Objects.requireNonNull(function, "function");
        return handler(ResourceKind.INPUT_OUTPUT, request -> function.apply(request.input()));
    }

    /** The general form: any kind with a handler that sees the whole {@link ResourceRequest}. */
    public IotmpDevice handler(ResourceKind kind, ResourceHandler handler) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(handler, "handler");
        device.register(new DeviceResource(path, kind, handler, inputSample));
        return device;
    }
}
