package io.cameliotmp.examples.kafka;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The value of a {@code iotmp.replies} record, keyed like the command it answers. Exactly one of {@code output} (when
 * {@code ok}) and {@code error} is meaningful; {@code output} is null for resources that return nothing.
 */
public record CommandReply(String id, String user, String device, String resource, boolean ok, Object output,
        @JsonInclude(JsonInclude.Include.NON_NULL) Error error) {

    /**
     * Why a command failed.
     *
     * @param type    {@code invalidCommand}, {@code notConnected}, {@code deviceError}, {@code timeout},
     *                {@code disconnected}, {@code replyTooLarge} (the device ran the command; the reply with its
     *                output was larger than Kafka takes) or {@code failed}
     * @param message why, at most {@link KafkaBridgeRoutes#MAX_ERROR_TEXT} characters
     * @param status  the device's status code for {@code deviceError} (often 404 or 500), else null
     */
    public record Error(String type, String message, @JsonInclude(JsonInclude.Include.NON_NULL) Integer status) {
    }
}
