package io.cameliotmp.camel;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;

import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceReply;
import io.cameliotmp.server.ota.FirmwareImage;
import io.cameliotmp.server.ota.FirmwareUpdate;
import io.cameliotmp.server.ota.FirmwareUpdateClaim;
import io.cameliotmp.server.ota.FirmwareUpdateException;
import io.cameliotmp.server.ota.FirmwareUpdateListener;
import io.cameliotmp.server.ota.FirmwareUpdateOptions;
import io.cameliotmp.server.ota.FirmwareUpdateReport;
import io.cameliotmp.server.ota.OtaStep;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code firmwareUpdate} operation: turns the exchange into a {@link FirmwareUpdate} and its report into the
 * body. The update blocks a thread of the producer's pool for its whole duration (minutes, with the reboot), never
 * the route's or the server's threads.
 */
final class FirmwareUpdates {

    private static final Logger LOG = LoggerFactory.getLogger(FirmwareUpdates.class);

    private FirmwareUpdates() {
    }

    /**
     * Starts the update on {@code threads}; the stage completes with the report as the reply's payload. The operation
     * owns a stream given as the body: refused before the update began, here (no device, a header it cannot read,
     * its pool stopped) or when the device is claimed, it closes the stream unread.
     */
    static CompletionStage<DeviceReply> start(DeviceOperation call, ExecutorService threads,
                                              ProducerTemplate progressTemplate) {
        Object body = call.in().getBody();
        try {
            return startUpdate(call, body, threads, progressTemplate);
        } catch (RuntimeException e) {
            closeUnread(body, e);
            throw e;
        }
    }

    private static CompletionStage<DeviceReply> startUpdate(DeviceOperation call, Object body,
                                                            ExecutorService threads,
                                                            ProducerTemplate progressTemplate) {
        DeviceId device = call.requireDevice();
        Message in = call.in();
        if (body == null) {
            throw new IllegalArgumentException("firmwareUpdate needs the image as body (bytes, InputStream, File"
                                               + " or Path)");
        }
        FirmwareUpdateOptions options = options(call);
        FirmwareUpdateListener listener = progressTemplate != null
                ? new ProgressExchanges(progressTemplate, call.config().getFirmwareProgressTo())
                : FirmwareUpdateListener.NONE;
        CompletableFuture<DeviceReply> reply = new CompletableFuture<>();
        threads.execute(() -> {
            long startedNanos = System.nanoTime();
            try {
                FirmwareUpdateReport report = claimReadAndRun(call, device, body, options, listener);
                in.setHeader(IotmpConstants.FIRMWARE_OUTCOME, report.outcome().name());
                if (report.version() != null) {
                    in.setHeader(IotmpConstants.FIRMWARE_VERSION, report.version());
                } else {
                    in.removeHeader(IotmpConstants.FIRMWARE_VERSION);
                }
                reply.complete(new DeviceReply(null, 0, null, report.toMap()));
            } catch (IOException e) {
                if (byInterrupt(e)) {
                    // the producer stopped while the image was read or spooled: the failure of an interrupted update
                    Thread.currentThread().interrupt();
                    reply.completeExceptionally(FirmwareUpdate.interruptedBeforeStart(call.server(), device,
                            Duration.ofNanos(System.nanoTime() - startedNanos), e));
                } else {
                    // a failed update like the others: a rollout's doCatch(FirmwareUpdateException) records it
                    reply.completeExceptionally(FirmwareUpdate.unreadableBeforeStart(call.server(), device,
                            Duration.ofNanos(System.nanoTime() - startedNanos), e));
                }
            } catch (RuntimeException e) {
                reply.completeExceptionally(e);
            } catch (Error e) {
                // an image stream's decoder out of memory, a listener's assertion: the exchange still ends
                reply.completeExceptionally(e);
                throw e;
            }
        });
        return reply;
    }

    /**
     * Whether reading the image failed because its thread was interrupted: a file channel closed by it, a stream
     * that says so (a plain InterruptedIOException, not a socket's timeout), or the flag still set.
     */
    private static boolean byInterrupt(IOException e) {
        return e instanceof ClosedByInterruptException || e.getClass() == InterruptedIOException.class
               || Thread.currentThread().isInterrupted();
    }

    private static FirmwareUpdateOptions options(DeviceOperation call) {
        Message in = call.in();
        FirmwareUpdateOptions options = FirmwareUpdateOptions.defaults()
                .withRebootTimeout(Duration.ofMillis(call.config().getFirmwareRebootTimeout()))
                .withTransferTimeout(Duration.ofMillis(call.config().getFirmwareTransferTimeout()))
                .withRequestTimeout(call.requestTimeout())
                .withExpectedVersion(in.getHeader(IotmpConstants.FIRMWARE_VERSION, String.class))
                .withForce(flag(in, IotmpConstants.FIRMWARE_FORCE, false))
                .withCompress(flag(in, IotmpConstants.FIRMWARE_COMPRESS, FirmwareUpdateOptions.DEFAULT_COMPRESS));
        Object label = in.getHeader(Exchange.FILE_NAME_ONLY);
        return label != null ? options.withFirmware(label.toString()) : options;
    }

    /**
     * A true/false header, {@code absent} when it is not set. Camel gives null for a value it cannot convert ("yes",
     * a list), which, unboxed, failed the exchange with a NullPointerException that named no header.
     */
    private static boolean flag(Message in, String header, boolean absent) {
        Object value = in.getHeader(header);
        if (value == null) {
            return absent;
        }
        Boolean flag = in.getHeader(header, Boolean.class);
        if (flag == null) {
            String shown = String.valueOf(value);
            throw new IllegalArgumentException("header " + header + " must be true or false, not "
                                               + (shown.length() > 64 ? shown.substring(0, 64) + "…" : shown));
        }
        return flag;
    }

    /**
     * The update, claimed before its image is read: a second update of the device fails before it spools a whole
     * image. The claim and a spooled image are released before the report is returned, so that the next update of
     * the device, which a route may start as soon as this exchange ends, finds the device free.
     */
    private static FirmwareUpdateReport claimReadAndRun(DeviceOperation call, DeviceId device, Object body,
                                                        FirmwareUpdateOptions options, FirmwareUpdateListener listener)
            throws IOException {
        try (FirmwareUpdateClaim claim = claimOrCloseBody(call, device, body);
             FirmwareImage image = image(call.exchange(), body)) {
            return FirmwareUpdate.run(claim, image, options, listener);
        }
    }

    /**
     * The device's claim; when it is refused, a stream given as the body is closed unread, as a read one is closed
     * after it was spooled: the operation owns the stream it is given.
     */
    private static FirmwareUpdateClaim claimOrCloseBody(DeviceOperation call, DeviceId device, Object body) {
        try {
            return FirmwareUpdateClaim.take(call.server(), device, sizeBeforeReading(body));
        } catch (FirmwareUpdateException e) {
            closeUnread(body, e);
            throw e;
        }
    }

    /** Closes a stream given as the body of an update refused before it read it; a failure to close is suppressed. */
    private static void closeUnread(Object body, RuntimeException refusal) {
        if (body instanceof InputStream stream) {
            try {
                stream.close();
            } catch (IOException closing) {
                refusal.addSuppressed(closing);
            }
        }
    }

    /**
     * The size of an image given as bytes or a file, known before it is read, for the report of an update refused
     * before it began; unknown for a stream, which is not read then.
     */
    private static long sizeBeforeReading(Object body) {
        if (body instanceof byte[] bytes) {
            return bytes.length;
        }
        Path file = body instanceof Path path ? path : body instanceof File f ? f.toPath() : null;
        if (file != null) {
            try {
                return Files.size(file);
            } catch (IOException e) {
                return FirmwareUpdateReport.UNKNOWN_SIZE; // read later, it fails as IMAGE_UNREADABLE
            }
        }
        return FirmwareUpdateReport.UNKNOWN_SIZE;
    }

    /** Bytes stay in memory, files are read where they lie, anything else is read as a stream and spooled. */
    private static FirmwareImage image(Exchange exchange, Object body) throws IOException {
        if (body instanceof byte[] bytes) {
            return FirmwareImage.of(bytes);
        }
        if (body instanceof Path path) {
            return FirmwareImage.of(path);
        }
        if (body instanceof File file) {
            return FirmwareImage.of(file.toPath());
        }
        InputStream stream = exchange.getContext().getTypeConverter().tryConvertTo(InputStream.class, exchange, body);
        if (stream == null) {
            throw new IllegalArgumentException("firmwareUpdate cannot read a " + body.getClass().getName()
                                               + " as an image: give bytes, an InputStream, a File or a Path");
        }
        try (InputStream in = stream) {
            return FirmwareImage.spool(in);
        }
    }

    /** Progress as exchanges: one per step, and one per whole percent of the bytes sent. */
    private static final class ProgressExchanges implements FirmwareUpdateListener {
        private final ProducerTemplate template;
        private final String uri;
        private long lastPercent = -1;

        ProgressExchanges(ProducerTemplate template, String uri) {
            this.template = template;
            this.uri = uri;
        }

        @Override
        public void onStep(DeviceId device, OtaStep step) {
            send(device, step, 0, 0);
        }

        @Override
        public void onProgress(DeviceId device, long sentBytes, long totalBytes) {
            long percent = totalBytes > 0 ? sentBytes * 100 / totalBytes : 100;
            if (percent != lastPercent) {
                lastPercent = percent;
                send(device, OtaStep.WRITE, sentBytes, totalBytes);
            }
        }

        private void send(DeviceId device, OtaStep step, long sent, long total) {
            Map<String, Object> headers = new LinkedHashMap<>();
            headers.put(IotmpConstants.USER, device.user());
            headers.put(IotmpConstants.DEVICE, device.device());
            headers.put(IotmpConstants.FIRMWARE_STEP, step.name());
            headers.put(IotmpConstants.FIRMWARE_SENT_BYTES, sent);
            headers.put(IotmpConstants.FIRMWARE_TOTAL_BYTES, total);
            try {
                template.sendBodyAndHeaders(uri, step.name(), headers);
            } catch (RuntimeException e) {
                // progress is informational: a failing progress route must not fail the update
                LOG.warn("firmwareProgressTo {} failed for {}: {}", uri, device, e.toString());
            }
        }
    }
}
