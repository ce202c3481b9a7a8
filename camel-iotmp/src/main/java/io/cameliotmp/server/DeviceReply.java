package io.cameliotmp.server;

/**
 * A device's OK to a request.
 *
 * @param streamId   the id of the request; for a START_STREAM the id of the new stream
 * @param parameters the OK's PARAMETERS (a return code, or handler data such as {@code chunk_size}), or null
 * @param payload    the OK's PAYLOAD (the output of a resource, a description), or null
 */
public record DeviceReply(DeviceRegistration registration, int streamId, Object parameters, Object payload) {
}
