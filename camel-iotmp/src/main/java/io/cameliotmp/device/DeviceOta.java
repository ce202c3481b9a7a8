package io.cameliotmp.device;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

import io.cameliotmp.protocol.session.FirmwareVersionMarker;
import io.cameliotmp.protocol.session.Lzss;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device end of over-the-air updates: the {@code $ota} resources of the Thinger Arduino library (2.31 and later)
 * on the Java device client, installed by {@link IotmpDeviceBuilder#ota}. Errors are answered the way boards answer
 * them, inside an OK: {@code {"success": false, "error": "…"}} (docs/ota.md).
 * <p>
 * An uncompressed image goes straight to the {@link OtaTarget}; a compressed one (zlib, gzip or LZSS) is kept in a
 * temporary file while it arrives and decoded into the target at {@code end}, after its own checksum matched (gzip
 * has no push-style decoder in the JDK, and a corrupt stream then never reaches the target). The decoded image may
 * not exceed the announced {@code size}, so a small compressed stream cannot fill the target. After {@code reboot}
 * the device closes its connection, reconnects through its reconnection policy and reports the version found after
 * {@code @(#)} in the new image.
 */
final class DeviceOta {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceOta.class);
    /** What an ESP32's {@code Update.errorString()} says for an image larger than its partition. */
    private static final String NO_SPACE = "Not Enough Space";

    private final IotmpDevice device;
    private final OtaTarget target;
    private final OtaSettings settings;

    private String runningVersion;
    private String stagedVersion;
    private Update update;
    /** The device is closed: its closed action ran, and nothing would clean up an update begun now. */
    private boolean closed;

    /** One update between {@code begin} and its end, success or failure. */
    private static final class Update {
        long size;
        long expected;
        long received;
        String checksum;
        String compressedChecksum;
        boolean compressed;
        String compression = "";
        MessageDigest md5 = newMd5();
        FirmwareVersionMarker marker = new FirmwareVersionMarker();
        OutputStream sink;
        OutputStream targetStream;
        Path spool;
        long lastProgressNanos = System.nanoTime();
    }

    private DeviceOta(IotmpDevice device, OtaTarget target, OtaSettings settings) {
        this.device = device;
        this.target = target;
        this.settings = settings;
        this.runningVersion = settings.version();
    }

    static DeviceOta install(IotmpDevice device, OtaTarget target, OtaSettings settings) {
        DeviceOta ota = new DeviceOta(device, target, settings);
        device.resource("$ota/options").output(ota::options);
        device.resource("$ota/begin").handler(ResourceKind.INPUT_OUTPUT,
                request -> request.describeMode() ? failed(null) : ota.begin(request.input()));
        device.resource("$ota/write").handler(ResourceKind.INPUT_OUTPUT,
                request -> request.describeMode() ? failed(null) : ota.write(request.input()));
        device.resource("$ota/end").handler(ResourceKind.OUTPUT,
                request -> request.describeMode() ? failed(null) : ota.end());
        device.resource("$ota/reboot").run(ota::reboot);
        device.resource("$ota/version").output(() -> Map.of("version", ota.version()));
        // the watchdog runs on the device's loop, which a closed device no longer has: without this an update cut
        // short by close() would leave its open image and its spool file behind
        device.onClosed(ota::abandonUnfinished);
        return ota;
    }

    /**
     * Drops an update still in progress (its image is discarded and its spool file deleted), and refuses any later
     * {@code begin}: a handler thread may still run one that arrived before the close.
     */
    synchronized void abandonUnfinished() {
        closed = true;
        if (update != null) {
            LOG.debug("{}: closed during an OTA update; the partial image is discarded", device);
            abandon(update);
            update = null;
        }
    }

    synchronized Map<String, Object> options() {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("enabled", settings.enabled());
        options.put("block_size", settings.blockSize());
        options.put("timeout", settings.timeout().toMillis());
        options.put("version", runningVersion);
        if (!settings.compression().isEmpty()) {
            options.put("compression", settings.compression());
        }
        if (settings.md5()) {
            options.put("checksum", "md5");
        }
        options.put("platform", "java");
        return options;
    }

    synchronized String version() {
        return runningVersion;
    }

    synchronized Map<String, Object> begin(Object input) {
        if (!(input instanceof Map<?, ?> map) || map.isEmpty() || update != null) {
            return failed(null);
        }
        if (closed) {
            return failed("the device is closed");
        }
        long size = number(map.get("size"));
        if (size <= 0) {
            return failed("Invalid size");
        }
        if (size > settings.maxImageSize()) {
            return failed(NO_SPACE);
        }
        Update next = new Update();
        next.size = size;
        next.checksum = text(map.get("checksum"));
        String compression = text(map.get("compression"));
        if (!compression.isEmpty()) {
            if (!compression.equals(settings.compression())) {
                return failed("Unsupported compression");
            }
            long compressedSize = number(map.get("compressed_size"));
            if (compressedSize <= 0) {
                return failed("Invalid compressed size");
            }
            if (compressedSize > settings.maxImageSize()) {
                return failed(NO_SPACE);
            }
            next.compressed = true;
            next.compression = compression;
            next.expected = compressedSize;
            next.compressedChecksum = text(map.get("compressed_checksum"));
        } else {
            next.expected = size;
        }
        try {
            next.targetStream = target.open(size);
            if (next.compressed) {
                next.spool = Files.createTempFile("iotmp-ota-", ".part");
                next.sink = Files.newOutputStream(next.spool);
            } else {
                next.sink = next.targetStream;
            }
        } catch (IOException | RuntimeException e) {
            abandon(next);
            return failed("Cannot open the image: " + e.getMessage());
        }
        update = next;
        stagedVersion = null;
        scheduleWatchdog(next, settings.timeout().toNanos());
        LOG.debug("{}: OTA begins, {} bytes{}", device, size, next.compressed ? " compressed as " + compression : "");
        return succeeded();
    }

    synchronized Map<String, Object> write(Object input) {
        Update current = update;
        if (current == null) {
            return failed("no OTA update in progress");
        }
        if (!(input instanceof byte[] chunk)) {
            return fail(current, "Invalid input type received");
        }
        if (current.received + chunk.length > current.expected) {
            return fail(current, "more bytes than announced: " + (current.received + chunk.length) + " > "
                                 + current.expected);
        }
        try {
            current.sink.write(chunk);
        } catch (IOException | RuntimeException e) {
            return fail(current, "write failed: " + e.getMessage());
        }
        current.md5.update(chunk);
        if (!current.compressed) {
            current.marker.update(chunk, 0, chunk.length);
        }
        current.received += chunk.length;
        current.lastProgressNanos = System.nanoTime();
        return succeeded();
    }

    synchronized Map<String, Object> end() {
        Update current = update;
        if (current == null) {
            return failed("No OTA update in progress");
        }
        if (current.received != current.expected) {
            return fail(current, "Cannot end OTA with missing bytes");
        }
        String receivedMd5 = HexFormat.of().formatHex(current.md5.digest());
        String expectedMd5 = current.compressed ? current.compressedChecksum : current.checksum;
        if (settings.md5() && !receivedMd5.equals(expectedMd5)) {
            return fail(current, "Invalid MD5 checksum");
        }
        try {
            current.sink.close();
            if (current.compressed) {
                String error = inflate(current);
                if (error != null) {
                    return fail(current, error);
                }
            }
            target.commit();
        } catch (IOException | RuntimeException e) {
            return fail(current, "cannot finish the image: " + e.getMessage());
        }
        deleteSpool(current);
        update = null;
        String found = current.marker.finish();
        stagedVersion = found != null ? found : "";
        LOG.debug("{}: OTA image of {} bytes staged, version '{}'", device, current.size, stagedVersion);
        return succeeded();
    }

    /** Decodes the spooled stream into the target; returns an error text or null. */
    private String inflate(Update current) throws IOException {
        MessageDigest imageMd5 = newMd5();
        long written = 0;
        try (InputStream spooled = Files.newInputStream(current.spool);
             InputStream decoded = decoding(current.compression, spooled);
             OutputStream out = current.targetStream) {
            byte[] buffer = new byte[8192];
            for (int n = decoded.read(buffer); n >= 0; n = decoded.read(buffer)) {
                written += n;
                if (written > current.size) {
                    return "the image inflates beyond its size of " + current.size + " bytes";
                }
                imageMd5.update(buffer, 0, n);
                current.marker.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        } catch (java.util.zip.ZipException e) {
            return "Error while decompressing!";
        }
        if (written != current.size) {
            return "Cannot end OTA with missing bytes";
        }
        if (settings.md5() && !HexFormat.of().formatHex(imageMd5.digest()).equals(current.checksum)) {
            return "Invalid MD5 checksum";
        }
        return null;
    }

    private static InputStream decoding(String compression, InputStream in) throws IOException {
        return switch (compression) {
            case "gzip" -> new GZIPInputStream(in);
            case "lzss" -> Lzss.decoder(in);
            default -> new InflaterInputStream(in);
        };
    }

    /** Answers the RUN, then closes the connection like a rebooting board; the new image's version applies. */
    void reboot() {
        device.eventLoop().schedule(() -> {
            synchronized (this) {
                if (update != null) {
                    abandon(update);
                    update = null;
                }
                if (stagedVersion != null) {
                    runningVersion = stagedVersion;
                    stagedVersion = null;
                }
            }
            LOG.debug("{}: rebooting for OTA, now version '{}'", device, version());
            ClientConnection current = device.currentSession();
            if (current != null && current.channel != null) {
                current.channel.close();
            }
        }, settings.rebootDelay().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Drops an update without progress for the timeout, as boards do (they reboot; this device stays up). */
    private void scheduleWatchdog(Update watched, long delayNanos) {
        long timeoutNanos = settings.timeout().toNanos();
        device.eventLoop().schedule(() -> {
            synchronized (this) {
                if (update != watched) {
                    return;
                }
                long idle = System.nanoTime() - watched.lastProgressNanos;
                if (idle >= timeoutNanos) {
                    LOG.debug("{}: OTA update dropped after {} ms without progress", device,
                            settings.timeout().toMillis());
                    abandon(watched);
                    update = null;
                } else {
                    scheduleWatchdog(watched, timeoutNanos - idle);
                }
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Ends the update as failed: the next {@code begin} starts over. */
    private Map<String, Object> fail(Update current, String error) {
        abandon(current);
        update = null;
        return failed(error);
    }

    private void abandon(Update current) {
        try {
            if (current.sink != null) {
                current.sink.close();
            }
            if (current.targetStream != null) {
                current.targetStream.close();
            }
        } catch (IOException e) {
            LOG.debug("{}: closing an abandoned image failed: {}", device, e.toString());
        }
        if (current.targetStream != null) {
            target.discard();
        }
        deleteSpool(current);
    }

    private void deleteSpool(Update current) {
        if (current.spool != null) {
            try {
                Files.deleteIfExists(current.spool);
            } catch (IOException e) {
                LOG.debug("{}: cannot delete {}: {}", device, current.spool, e.toString());
            }
        }
    }

    private static Map<String, Object> succeeded() {
        return Map.of("success", true);
    }

    private static Map<String, Object> failed(String error) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("success", false);
        if (error != null) {
            answer.put("error", error);
        }
        return answer;
    }

    private static long number(Object value) {
        return value instanceof Number n && n.doubleValue() > 0 ? n.longValue() : 0;
    }

    private static String text(Object value) {
        return value instanceof String s ? s : "";
    }

    private static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }
}
