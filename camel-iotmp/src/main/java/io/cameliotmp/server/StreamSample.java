package io.cameliotmp.server;

/**
 * One STREAM_DATA a device sent on a stream the server opened.
 *
 * @param payload         the sample; compact-mode arrays are already mapped back to the first sample's keys
 * @param receivedAtMillis wall-clock time of arrival
 */
public record StreamSample(DeviceRegistration registration, String resource, int streamId, Object payload,
                           long receivedAtMillis) {
}
