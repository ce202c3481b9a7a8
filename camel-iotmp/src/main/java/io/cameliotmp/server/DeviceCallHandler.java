package io.cameliotmp.server;

import java.util.concurrent.CompletionStage;

/**
 * Serves device→server RUNs. The device gets OK with the stage's value as payload once the stage completes, or
 * ERROR with {@code {"error": message}} if it fails — and nothing at all if it sent no stream id.
 */
@FunctionalInterface
public interface DeviceCallHandler {

    CompletionStage<Object> handle(DeviceCall call);
}
