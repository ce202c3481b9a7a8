package io.cameliotmp.server;

/**
 * A message published on a topic, by a device (its publish stream) or by a route.
 *
 * @param user      the user whose devices see it; null for a route publishing to every user's devices
 * @param publisher the publishing device, or null for a route
 */
public record TopicMessage(String user, String topic, Object payload, DeviceRegistration publisher) {
}
