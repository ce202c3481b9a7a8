package io.cameliotmp.server.ota;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.cameliotmp.server.DeviceId;

/**
 * What a firmware update did, for a route, a log or a REST answer ({@link #toMap()} is JSON-friendly).
 *
 * @param step            the last step started ({@link OtaStep#DONE} when it finished)
 * @param failure         why it failed, or null
 * @param error           the device's or the server's explanation of the failure, or null
 * @param previousVersion the version the device reported before the update, or null when unknown
 * @param expectedVersion the version it should run afterwards, or null when unknown
 * @param version         the version it reported after reconnecting, or null when unknown or not asked
 * @param imageSize       the uncompressed image size, or {@link #UNKNOWN_SIZE} when the update failed before its image
 *                        was read and its size was not known otherwise (a second update of a device given a stream
 *                        fails as {@link OtaFailure#ALREADY_UPDATING} before it reads the stream)
 * @param sentBytes       bytes the device accepted (compressed bytes when compressing)
 * @param payloadSize     bytes to send in all (equals {@code imageSize} without compression), or
 *                        {@link #UNKNOWN_SIZE} when the update failed before it began
 * @param chunks          {@code $ota/write} calls the device accepted
 * @param compression     the compression used ({@code zlib}, {@code gzip}) or empty
 * @param blockSize       the chunk size used, or 0 when nothing was sent (the device refused {@code begin}, or the
 *                        update ended before it)
 */
public record FirmwareUpdateReport(DeviceId device, OtaOutcome outcome, OtaStep step, OtaFailure failure,
                                   String error, String previousVersion, String expectedVersion, String version,
                                   long imageSize, long sentBytes, long payloadSize, int chunks, String compression,
                                   int blockSize, Duration duration) {

    /** The {@code imageSize} or {@code payloadSize} of an update that failed before they were known. */
    public static final long UNKNOWN_SIZE = -1;

    /** Whether the update reached its goal (updated, rebooted, staged or already current). */
    public boolean succeeded() {
        return outcome != OtaOutcome.FAILED;
    }

    /**
     * The report as a map of strings, numbers and booleans; absent values are left out, an unknown {@code imageSize}
     * or {@code payloadSize} too.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("user", device.user());
        map.put("device", device.device());
        map.put("outcome", outcome.name());
        map.put("success", succeeded());
        map.put("step", step.name());
        putIfPresent(map, "failure", failure == null ? null : failure.name());
        putIfPresent(map, "error", error);
        putIfPresent(map, "previousVersion", previousVersion);
        putIfPresent(map, "expectedVersion", expectedVersion);
        putIfPresent(map, "version", version);
        putIfPresent(map, "imageSize", imageSize == UNKNOWN_SIZE ? null : imageSize);
        putIfPresent(map, "payloadSize", payloadSize == UNKNOWN_SIZE ? null : payloadSize);
        map.put("sentBytes", sentBytes);
        map.put("chunks", chunks);
        map.put("compression", compression);
        map.put("blockSize", blockSize);
        map.put("durationMillis", duration.toMillis());
        return map;
    }

    private static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
