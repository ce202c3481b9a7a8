package io.cameliotmp.examples.kafka;

/**
 * The value of a {@code iotmp.commands} record: run {@code resource} of {@code user/device}, with {@code input} when
 * the resource takes one. {@code id} is optional and comes back in the reply, as does the record key.
 */
public record DeviceCommand(String id, String user, String device, String resource, Object input) {
}
