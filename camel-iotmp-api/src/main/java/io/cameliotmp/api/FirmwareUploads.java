package io.cameliotmp.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.cameliotmp.camel.IotmpConstants;
import io.cameliotmp.server.ota.FirmwareUpdateException;
import io.cameliotmp.server.ota.FirmwareUpdateReport;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Firmware updates through the API: {@code POST …/devices/{device}/firmware} takes the image as an
 * {@code application/octet-stream} body, spools it to a temporary file (never held in memory, at most
 * {@code maxImageSize} bytes), starts the iotmp producer's {@code firmwareUpdate} and answers 202 at once, since an
 * update with its reboot outlasts any HTTP timeout; {@code GET …/firmware} answers the device's latest report, the
 * final one once the update has ended. At most {@code max-firmware-updates} run at once, one per device, and at most
 * its {@code max-share-per-user} of one user ({@link UserSlots}); the reports kept are bounded too. An image slower
 * than {@link UploadRate} allows fails the update (408) before it starts, so that a client cannot hold a slot by
 * trickling.
 */
public final class FirmwareUploads {

    /** The endpoint that runs an update; the iotmp headers (user, device) come from the request. */
    static final String UPDATE = "iotmp:device?operation=firmwareUpdate";
    /** How many devices' latest reports are kept; the oldest go first. */
    static final int MAX_REPORTS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(FirmwareUploads.class);

    private final ProducerTemplate producer;
    private final long maxImageSize;
    private final UserSlots running;
    /**
     * The devices whose upload is spooling or whose update runs, claimed before the image is read: the image may take
     * long to arrive, and two uploads for one device must not both pass. At most {@code max-firmware-updates}, since
     * each holds a place of {@link #running}. Guarded by this.
     */
    private final Set<String> updating = new HashSet<>();
    private final UploadRate rate;
    private final Map<String, Map<String, Object>> reports = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Object>> eldest) {
            return size() > MAX_REPORTS;
        }
    };

    /**
     * @param updates the places of the updates: {@code max-firmware-updates}, shared by {@code max-share-per-user}
     */
    FirmwareUploads(ProducerTemplate producer, long maxImageSize, UserSlots updates, UploadRate rate) {
        if (maxImageSize < 1) {
            throw new IllegalArgumentException("maxImageSize must be positive");
        }
        this.producer = producer;
        this.maxImageSize = maxImageSize;
        this.running = updates;
        this.rate = rate;
    }

    /** Updates running now. */
    public int running() {
        return running.held();
    }

    /** The places of the updates. */
    UserSlots slots() {
        return running;
    }

    /** Starts the update of the addressed device with the request body as image; the answer is 202. */
    void start(Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        String contentType = message.getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith(
                DeviceApiRoutes.OCTET_STREAM)) {
            throw new UnsupportedMediaTypeException("a firmware image is sent as " + DeviceApiRoutes.OCTET_STREAM);
        }
        // checked before the image is taken: anything else failed the update after its 202, on Camel's conversion
        Boolean force = InvalidRequestException.requireBoolean("force", message.getHeader("force"));
        String user = message.getHeader(IotmpConstants.USER, String.class);
        String key = user + "/" + message.getHeader(IotmpConstants.DEVICE, String.class);
        Long declared = message.getHeader(Exchange.CONTENT_LENGTH, Long.class);
        if (declared != null && declared > maxImageSize) {
            throw new PayloadTooLargeException("the image of " + declared + " bytes is larger than the "
                                               + maxImageSize + " bytes the API accepts");
        }
        UserSlots.Slot slot;
        try {
            slot = running.acquire(user);
        } catch (UserSlots.Refused refused) {
            throw new TooManyUpdatesException(refused.getMessage());
        }
        boolean started = false;
        boolean claimed = false;
        Path image = null;
        try {
            synchronized (this) {
                if (!updating.add(key)) {
                    throw new TooManyUpdatesException("a firmware update of " + key + " is running already");
                }
            }
            claimed = true;
            image = spool(rate.watch(message.getBody(InputStream.class)));
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("device", key);
            state.put("state", "running");
            state.put("imageSize", Files.size(image));
            synchronized (this) {
                reports.remove(key);
                reports.put(key, state);
            }
            Path spooled = image;
            Map<String, Object> headers = new LinkedHashMap<>();
            headers.put(IotmpConstants.USER, message.getHeader(IotmpConstants.USER));
            headers.put(IotmpConstants.DEVICE, message.getHeader(IotmpConstants.DEVICE));
            copy(message, "version", headers, IotmpConstants.FIRMWARE_VERSION);
            if (force != null) {
                headers.put(IotmpConstants.FIRMWARE_FORCE, force);
            }
            CompletableFuture<Object> update;
            try {
                update = producer.asyncRequestBodyAndHeaders(UPDATE, spooled, headers);
            } catch (RuntimeException refused) {
                // the application stopping (its template refuses): no update runs, and none would ever end the
                // running report written above
                notStarted(key, state, refused);
                throw refused;
            }
            update.whenComplete((result, failure) -> {
                try {
                    finished(key, result, failure);
                } finally {
                    unclaim(key);
                    slot.release();
                    deleteQuietly(spooled);
                }
            });
            started = true;
            message.setBody(snapshot(state));
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        } finally {
            if (!started) {
                if (claimed) {
                    unclaim(key);
                }
                slot.release();
                if (image != null) {
                    deleteQuietly(image);
                }
            }
        }
    }

    /**
     * A copy that keeps the order the report was written in (device first, state last), which is the order of its
     * JSON: {@code Map.copyOf} would hand Jackson the fields in an order that changes from one run to the next.
     */
    private static Map<String, Object> snapshot(Map<String, Object> report) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(report));
    }

    private synchronized void unclaim(String key) {
        updating.remove(key);
    }

    /** Whether an upload for the device is being read or its update runs. */
    synchronized boolean updating(String key) {
        return updating.contains(key);
    }

    /** The device's latest report; 404 when it never had an update through the API. */
    void report(Exchange exchange) {
        Message message = exchange.getMessage();
        String key = message.getHeader(IotmpConstants.USER, String.class) + "/"
                     + message.getHeader(IotmpConstants.DEVICE, String.class);
        Map<String, Object> report;
        synchronized (this) {
            report = reports.get(key);
        }
        if (report == null) {
            throw new NoSuchReportException("no firmware update of " + key + " through this API");
        }
        message.setBody(snapshot(report));
    }

    /** The report of an update the producer refused to start, in place of its {@code running} one. */
    private synchronized void notStarted(String key, Map<String, Object> running, RuntimeException refused) {
        if (reports.get(key) == running) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("device", key);
            report.put("state", "failed");
            report.put("error", "the update was not started: " + refused.getMessage());
            reports.put(key, report);
        }
    }

    private void finished(String key, Object result, Throwable failure) {
        Map<String, Object> report = new LinkedHashMap<>();
        Throwable cause = failure;
        while (cause != null && !(cause instanceof FirmwareUpdateException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (failure == null && result instanceof FirmwareUpdateReport done) {
            report.putAll(done.toMap());
            report.put("state", "ended");
        } else if (failure == null && result instanceof Map<?, ?> done) {
            // the operation answers the report as a map (FirmwareUpdateReport.toMap)
            done.forEach((k, v) -> report.put(String.valueOf(k), v));
            report.put("state", "ended");
        } else if (cause instanceof FirmwareUpdateException updateFailure) {
            report.putAll(updateFailure.report().toMap());
            report.put("state", "failed");
        } else {
            report.put("device", key);
            report.put("state", "failed");
            report.put("error", failure != null ? String.valueOf(failure.getMessage()) : "no report");
            LOG.warn("Firmware update of {} ended without a report", key, failure);
        }
        report.values().removeIf(Objects::isNull);
        synchronized (this) {
            reports.remove(key);
            reports.put(key, report);
        }
    }

    /** Copies the body to a temporary file, failing once it passes {@code maxImageSize}. */
    private Path spool(InputStream body) throws IOException {
        if (body == null) {
            throw new InvalidRequestException("the firmware image (the request body) is missing");
        }
        Path file = Files.createTempFile("iotmp-api-firmware-", ".bin");
        try (InputStream in = body; OutputStream out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[16 * 1024];
            long total = 0;
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                total += read;
                if (total > maxImageSize) {
                    throw new PayloadTooLargeException("the image is larger than the " + maxImageSize
                                                       + " bytes the API accepts");
                }
                out.write(buffer, 0, read);
            }
            if (total == 0) {
                throw new InvalidRequestException("the firmware image (the request body) is empty");
            }
            return file;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(file);
            throw e;
        }
    }

    private static void copy(Message message, String query, Map<String, Object> headers, String header) {
        Object value = message.getHeader(query);
        if (value != null && !String.valueOf(value).isBlank()) {
            headers.put(header, String.valueOf(value));
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", file, e.toString());
        }
    }

    /** The image is larger than the API accepts: 413. */
    static final class PayloadTooLargeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PayloadTooLargeException(String message) {
            super(message);
        }
    }

    /** As many updates as allowed run, or as the user's share allows, or one of this device: 503. */
    static final class TooManyUpdatesException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooManyUpdatesException(String message) {
            super(message);
        }
    }

    /** No update of the device through this API: 404. */
    static final class NoSuchReportException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NoSuchReportException(String message) {
            super(message);
        }
    }
}
