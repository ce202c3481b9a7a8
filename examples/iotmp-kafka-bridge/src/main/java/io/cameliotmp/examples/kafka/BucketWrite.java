package io.cameliotmp.examples.kafka;

/** The value of a {@code iotmp.buckets} record: what a device wrote to a data bucket. */
public record BucketWrite(String user, String device, String bucket, Object data) {
}
