package io.cameliotmp.server.ota;

import java.util.Map;

/**
 * What a device's {@code $ota/options} says, read defensively: a field of the wrong type counts as absent, numbers
 * are bounded, strings are cut.
 *
 * @param enabled     the device accepts updates (advertised only: the server enforces it)
 * @param blockSize   bytes per {@code $ota/write}; 8192 when absent or 0, at most 65535 (a 16-bit number on devices)
 * @param timeoutMillis the device's inactivity timeout during an update; 30000 when absent or 0
 * @param compression the compression the device offers, exactly as it names it, or empty
 * @param checksum    the checksum it verifies ({@code md5}), or empty
 * @param version     the version it runs, exactly as sent (quotes included), or empty
 * @param platform    informational, or empty
 */
public record DeviceOtaOptions(boolean enabled, int blockSize, long timeoutMillis, String compression,
                               String checksum, String version, String platform) {

    public static final int DEFAULT_BLOCK_SIZE = 8192;
    public static final int MAX_BLOCK_SIZE = 0xFFFF;
    public static final long DEFAULT_TIMEOUT_MILLIS = 30_000;
    /** The longest inactivity timeout believed; a device cannot make the server wait for a day per step. */
    public static final long MAX_TIMEOUT_MILLIS = 600_000;
    private static final int MAX_TEXT = 128;

    /** Reads an options answer; anything but a map is not an options answer. */
    public static DeviceOtaOptions parse(Object payload) {
        if (!(payload instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("$ota/options did not answer a map");
        }
        long block = number(map.get("block_size"));
        long timeout = number(map.get("timeout"));
        return new DeviceOtaOptions(!Boolean.FALSE.equals(map.get("enabled")),
                (int) (block <= 0 ? DEFAULT_BLOCK_SIZE : Math.min(block, MAX_BLOCK_SIZE)),
                timeout <= 0 ? DEFAULT_TIMEOUT_MILLIS : Math.min(timeout, MAX_TIMEOUT_MILLIS),
                text(map.get("compression")), text(map.get("checksum")), text(map.get("version")),
                text(map.get("platform")));
    }

    /** Whether the device verifies MD5 checksums (then {@code begin} must carry them). */
    public boolean md5() {
        return "md5".equals(checksum);
    }

    /**
     * A version string that names a version: not empty, and not the two quote characters a 2.30.0 library reports
     * when the firmware defines none. Compared byte for byte otherwise, quotes and all.
     */
    public static boolean isKnownVersion(String version) {
        return version != null && !version.isEmpty() && !"\"\"".equals(version);
    }

    static long number(Object value) {
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) && d > 0 ? (long) Math.min(d, Long.MAX_VALUE) : 0;
        }
        return 0;
    }

    static String text(Object value) {
        if (!(value instanceof String s)) {
            return "";
        }
        return s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) : s;
    }
}
