package io.cameliotmp.examples.kafka;

/**
 * The value of a {@code iotmp.samples} record: one sample of a device stream.
 *
 * @param timestamp when the IOTMP server received the sample (epoch millis)
 * @param value     the resource's output as the device sent it
 */
public record DeviceSample(String user, String device, String resource, Long timestamp, Object value) {
}
