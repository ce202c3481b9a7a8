package io.cameliotmp.protocol.session;

import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.cameliotmp.protocol.IotmpMessage;

/**
 * The shapes of answers both ends send, and the unwrapping of the failures they are built from, in one place.
 * An ERROR carries a status in PARAMETERS (optional) and {@code {"error": text}} in PAYLOAD (docs/protocol.md §4.2).
 */
public final class Answers {

    private Answers() {
    }

    /** ERROR for {@code streamId} with an optional status and a human-readable text. */
    public static IotmpMessage error(int streamId, Integer status, String text) {
        return IotmpMessage.error(streamId, status, Map.of("error", text));
    }

    /** The failure behind the wrappers that asynchronous stages add ({@link CompletionException} and the like). */
    public static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
               && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The message of the unwrapped failure, or its class name when it has none. */
    public static String messageOf(Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
