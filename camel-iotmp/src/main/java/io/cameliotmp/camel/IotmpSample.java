package io.cameliotmp.camel;

/**
 * One stream sample in a batch ({@code batchSize} on a device stream consumer): where it came from, when it arrived
 * and its value. A record, so JSON data formats write it as an object with these fields.
 *
 * @param timestamp when the server received the sample, in milliseconds since the epoch
 * @param payload   the sample's value: maps, lists, strings, numbers, booleans or bytes
 */
public record IotmpSample(String user, String device, String resource, int streamId, long timestamp,
                          Object payload) {
}
