package io.cameliotmp.device;

/**
 * The general form of a device resource callback. The convenience registrations of {@link ResourceBuilder}
 * ({@code output}, {@code input}, {@code inputOutput}, {@code run}) are adapters onto this interface.
 * <p>
 * What is done with the returned value depends on the {@link ResourceKind}: it is the OK payload of a RUN for output
 * kinds, the current state for DESCRIBE ({@code "in"}) and stream echoes of input kinds (when
 * {@link ResourceRequest#describeMode()} is set), and ignored otherwise.
 * <p>
 * Throwing answers the server with ERROR: an {@link IotmpErrorException} is sent with its own code and payload, any
 * other exception as payload {@code {"error": message}}.
 */
@FunctionalInterface
public interface ResourceHandler {

    /**
     * Handles one call.
     *
     * @param  request   what the server asked for
     * @return           the output or current state (may be {@code null})
     * @throws Exception to answer with ERROR
     */
    Object handle(ResourceRequest request) throws Exception;
}
