package io.cameliotmp.server.ota;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.PsonValues;
import io.cameliotmp.protocol.session.Answers;
import io.cameliotmp.server.DeviceDisconnectedException;
import io.cameliotmp.server.DeviceErrorException;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceNotConnectedException;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.DeviceReply;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.DeviceRequestTimeoutException;
import io.cameliotmp.server.DirectoryEntry;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.ServerMetrics.FirmwareOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Updates the firmware of one connected device through its {@code $ota} resources (docs/ota.md): options, begin,
 * one chunk at a time, end, reboot, and after the device reconnects a check of the version it runs. Built only on
 * {@link IotmpServer#send}, so it works for every device the server talks to, whatever its protocol.
 * <p>
 * Every request after the options goes to the very connection the update began on: a device that reconnects in the
 * middle has lost its update, and the update fails as {@link OtaFailure#DEVICE_GONE}. No chunk is ever sent twice
 * (a device appends whatever it receives); the first failure ends the update. The procedure blocks its thread
 * ({@link #run}) or runs on an executor ({@link #start}). One update at a time runs on a device from one server: a
 * second fails at once as {@link OtaFailure#ALREADY_UPDATING}.
 */
public final class FirmwareUpdate {

    public static final String OPTIONS = "$ota/options";
    public static final String BEGIN = "$ota/begin";
    public static final String WRITE = "$ota/write";
    public static final String END = "$ota/end";
    public static final String REBOOT = "$ota/reboot";
    public static final String VERSION = "$ota/version";
    /** Bytes a {@code $ota/write} frame needs besides the chunk (header, stream id, resource, bytes tag). */
    static final int WRITE_FRAME_OVERHEAD = 64;

    private static final Logger LOG = LoggerFactory.getLogger(FirmwareUpdate.class);

    private final IotmpServer server;
    private final DeviceId device;
    private final FirmwareImage image;
    private final FirmwareUpdateOptions options;
    private final FirmwareUpdateListener listener;
    private final long startedNanos = System.nanoTime();
    /** The device's connections after the reboot; told by the server when it stops or drains, from the claim on. */
    private final Reconnections reconnections;

    private OtaStep step = OtaStep.OPTIONS;
    private String previousVersion;
    private String expectedVersion;
    private String version;
    private long sentBytes;
    private long payloadSize;
    private int chunks;
    private OtaCompression compression = OtaCompression.NONE;
    /** The chunk size once the device accepted {@code begin}; 0 before, as the report says. */
    private int blockSize;

    private FirmwareUpdate(FirmwareUpdateClaim claim, FirmwareImage image, FirmwareUpdateOptions options,
                           FirmwareUpdateListener listener) {
        this.server = claim.server();
        this.device = claim.device();
        this.image = image;
        this.options = options;
        this.listener = listener != null ? listener : FirmwareUpdateListener.NONE;
        this.reconnections = claim.reconnectionsForOneUpdate();
    }

    /**
     * Updates {@code device} with {@code image}, blocking until it is done.
     *
     * @throws FirmwareUpdateException with the report and the {@link OtaFailure} when the update fails; an update
     *                                 whose thread is interrupted fails as {@link OtaFailure#INTERRUPTED}, with the
     *                                 thread's interrupt flag set again (the device drops an unfinished update on its
     *                                 own)
     */
    public static FirmwareUpdateReport run(IotmpServer server, DeviceId device, FirmwareImage image,
                                           FirmwareUpdateOptions options, FirmwareUpdateListener listener) {
        try (FirmwareUpdateClaim claim = FirmwareUpdateClaim.take(server, device, image.size())) {
            return run(claim, image, options, listener);
        }
    }

    /**
     * Updates the device of {@code claim} with {@code image}, blocking until it is done, as {@link #run(IotmpServer,
     * DeviceId, FirmwareImage, FirmwareUpdateOptions, FirmwareUpdateListener)} does with a claim taken before the
     * image was read (a stream's image is spooled first). The caller ends the claim; it serves one update.
     */
    public static FirmwareUpdateReport run(FirmwareUpdateClaim claim, FirmwareImage image,
                                           FirmwareUpdateOptions options, FirmwareUpdateListener listener) {
        FirmwareUpdate update = new FirmwareUpdate(claim, image, options, listener);
        try {
            return ended(claim.server(), update.run());
        } catch (FirmwareUpdateException e) {
            ended(claim.server(), e);
            throw e;
        }
    }

    /** Counts the update in its server's metrics ({@code iotmp.firmware.updates}); returns the report. */
    static FirmwareUpdateReport ended(IotmpServer server, FirmwareUpdateReport report) {
        server.metrics().firmwareUpdateEnded(metricOutcome(report));
        return report;
    }

    /** Counts the failed update in its server's metrics; returns the failure. */
    static FirmwareUpdateException ended(IotmpServer server, FirmwareUpdateException failure) {
        ended(server, failure.report());
        return failure;
    }

    /**
     * The outcome as the server's metrics know it: they cannot name this package's types, the server package being
     * the one this package builds on. A timeout is told apart from the other failures, as the requests' are.
     */
    static FirmwareOutcome metricOutcome(FirmwareUpdateReport report) {
        return switch (report.outcome()) {
            case UPDATED -> FirmwareOutcome.UPDATED;
            case REBOOTED -> FirmwareOutcome.REBOOTED;
            case STAGED -> FirmwareOutcome.STAGED;
            case ALREADY_CURRENT -> FirmwareOutcome.ALREADY_CURRENT;
            case FAILED -> report.failure() == OtaFailure.TIMEOUT ? FirmwareOutcome.TIMEOUT
                    : FirmwareOutcome.FAILED;
        };
    }

    /**
     * The failure of an update interrupted before it began, while its image was read or spooled: an
     * {@link OtaFailure#INTERRUPTED} whose report has nothing sent, as that of an update interrupted later has what
     * it sent. The caller sets the thread's interrupt flag again.
     */
    public static FirmwareUpdateException interruptedBeforeStart(IotmpServer server, DeviceId device, Duration spent,
                                                                 Throwable cause) {
        return ended(server, failedBeforeStart(device, OtaFailure.INTERRUPTED,
                "interrupted while the image was read, before the update began", FirmwareUpdateReport.UNKNOWN_SIZE,
                spent, cause));
    }

    /**
     * The failure of an update whose image could not be read, spooled or hashed before it began (a file that is
     * gone, an upload cut short): an {@link OtaFailure#IMAGE_UNREADABLE} whose report has nothing sent, as when the
     * image turns out unreadable later, so that whoever handles failed updates handles this one too.
     */
    public static FirmwareUpdateException unreadableBeforeStart(IotmpServer server, DeviceId device, Duration spent,
                                                                Throwable cause) {
        return ended(server, failedBeforeStart(device, OtaFailure.IMAGE_UNREADABLE,
                "the image could not be read: " + cause, FirmwareUpdateReport.UNKNOWN_SIZE, spent, cause));
    }

    /**
     * @param imageSize the image's size when it is known without reading the image, else
     *                  {@link FirmwareUpdateReport#UNKNOWN_SIZE}; the payload is unknown either way, its compression
     *                  not decided yet
     */
    static FirmwareUpdateException failedBeforeStart(DeviceId device, OtaFailure failure, String error,
                                                     long imageSize, Duration spent, Throwable cause) {
        FirmwareUpdateReport report = new FirmwareUpdateReport(device, OtaOutcome.FAILED, OtaStep.OPTIONS, failure,
                error, null, null, null, imageSize, 0, FirmwareUpdateReport.UNKNOWN_SIZE, 0,
                OtaCompression.NONE.label(), 0, spent);
        return new FirmwareUpdateException(report, cause);
    }

    /** {@link #run} on {@code executor}; the future fails with the {@link FirmwareUpdateException}. */
    public static CompletableFuture<FirmwareUpdateReport> start(IotmpServer server, DeviceId device,
                                                                FirmwareImage image, FirmwareUpdateOptions options,
                                                                FirmwareUpdateListener listener, Executor executor) {
        CompletableFuture<FirmwareUpdateReport> result = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                result.complete(run(server, device, image, options, listener));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            } catch (Error e) {
                // a listener's assertion, memory running out: whoever waits on the future still hears the end
                result.completeExceptionally(e);
                throw e;
            }
        });
        return result;
    }

    /** The update, on a device claimed for it on this server from before its first request to after its end. */
    private FirmwareUpdateReport run() {
        try {
            return update();
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /**
     * The failure of an update whose thread was interrupted (its Camel producer stopping, an application shutting
     * down its pool): a report like any failure's, and the interrupt flag set again for whoever runs the thread.
     */
    private FirmwareUpdateException interrupted(Exception cause) {
        Thread.currentThread().interrupt();
        return fail(OtaFailure.INTERRUPTED, "the update's thread was interrupted at " + step, cause);
    }

    private FirmwareUpdateReport update() throws InterruptedException {
        enter(OtaStep.OPTIONS);
        DeviceRegistration registration = server.registry().registration(device).orElse(null);
        if (registration == null) {
            // the update waits for the device's reconnection after the reboot, which only its own member sees
            String member = server.locate(device).map(DirectoryEntry::member)
                    .filter(holder -> !holder.equals(server.config().cluster().memberName())).orElse(null);
            throw fail(OtaFailure.DEVICE_GONE, member == null ? "device is not connected"
                    : "device is connected to member " + member + ", not to this one: its update runs there", null);
        }
        DeviceOtaOptions deviceOptions = readOptions(registration);
        previousVersion = known(deviceOptions.version());
        // cut as the device's version is read (and an image's): a longer one given whole would never equal it
        expectedVersion = known(DeviceOtaOptions.text(options.expectedVersion() != null ? options.expectedVersion()
                : image.embeddedVersion()));
        if (!deviceOptions.enabled()) {
            throw fail(OtaFailure.DISABLED, "the device's OTA options say enabled: false", null);
        }
        if (!options.force() && expectedVersion != null && expectedVersion.equals(previousVersion)) {
            version = previousVersion;
            step = OtaStep.DONE;
            return report(OtaOutcome.ALREADY_CURRENT, null, null);
        }
        if (deviceOptions.blockSize() < options.minBlockSize()) {
            throw fail(OtaFailure.NOT_SUPPORTED, "the device's block_size " + deviceOptions.blockSize()
                                                 + " is below minBlockSize " + options.minBlockSize(), null);
        }
        if (image.size() == 0) {
            throw fail(OtaFailure.IMAGE_UNREADABLE, "the image is empty", null);
        }
        enter(OtaStep.PREPARE);
        compression = options.compress() ? OtaCompression.offeredBy(deviceOptions.compression())
                : OtaCompression.NONE;
        int chunkSize = Math.max(1, Math.min(Math.min(deviceOptions.blockSize(), options.maxBlockSize()),
                server.config().limits().maxOutboundFrameSize() - WRITE_FRAME_OVERHEAD));
        Duration stepTimeout = options.stepTimeout() != null ? options.stepTimeout()
                : Duration.ofMillis(deviceOptions.timeoutMillis());
        // opened before begin: an image that can no longer be read (a file deleted or moved since it was hashed)
        // fails here, with nothing sent, rather than after begin, which holds the device in an update until its
        // timeout and its reboot
        try (FirmwareImage.Payload payload = image.payload(compression);
             InputStream in = payload.open()) {
            payloadSize = payload.size();
            enter(OtaStep.BEGIN);
            expectSuccess(transfer(registration, DeviceRequest.run(BEGIN, beginInput(payload, chunkSize)),
                    stepTimeout), OtaFailure.BEGIN_REFUSED);
            // only proposed until the device accepted begin: a report of an update that sent nothing says 0
            blockSize = chunkSize;
            enter(OtaStep.WRITE);
            writeChunks(registration, in, stepTimeout);
        } catch (ClosedByInterruptException e) {
            // the image is read through an interruptible channel: the interrupt closed it, the image is fine
            throw interrupted(e);
        } catch (IOException e) {
            throw fail(OtaFailure.IMAGE_UNREADABLE, e.toString(), e);
        }
        enter(OtaStep.END);
        Map<?, ?> ended = answer(transfer(registration, DeviceRequest.run(END, null), stepTimeout));
        if (!Boolean.TRUE.equals(ended.get("success"))) {
            String error = errorText(ended);
            boolean checksum = error != null && (error.toLowerCase(Locale.ROOT).contains("md5")
                                                 || error.toLowerCase(Locale.ROOT).contains("checksum"));
            throw fail(checksum ? OtaFailure.CHECKSUM : OtaFailure.END_FAILED, error, null);
        }
        return new RebootConfirmation(this, server, device, options, reconnections, expectedVersion)
                .run(registration, stepTimeout);
    }

    private DeviceOtaOptions readOptions(DeviceRegistration registration) throws InterruptedException {
        DeviceReply reply;
        try {
            reply = request(registration, DeviceRequest.run(OPTIONS, null),
                    options.requestTimeout() != null ? options.requestTimeout() : server.config().requestTimeout());
        } catch (DeviceErrorException e) {
            throw fail(OtaFailure.NOT_SUPPORTED, "the device has no " + OPTIONS + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw failOn(e);
        }
        try {
            return DeviceOtaOptions.parse(reply.payload());
        } catch (IllegalArgumentException e) {
            throw fail(OtaFailure.NOT_SUPPORTED, e.getMessage(), e);
        }
    }

    private Map<String, Object> beginInput(FirmwareImage.Payload payload, int chunkSize) {
        Map<String, Object> begin = new LinkedHashMap<>();
        begin.put("firmware", options.firmware());
        begin.put("version", expectedVersion != null ? expectedVersion : "");
        begin.put("size", image.size());
        begin.put("chunk_size", (long) chunkSize);
        // always sent: devices that verify MD5 fail at end without it, the others ignore it
        begin.put("checksum", image.md5());
        if (compression != OtaCompression.NONE) {
            begin.put("compression", compression.label());
            begin.put("compressed_size", payload.size());
            begin.put("compressed_checksum", payload.md5());
        }
        return begin;
    }

    private void writeChunks(DeviceRegistration registration, InputStream in, Duration stepTimeout)
            throws IOException, InterruptedException {
        while (sentBytes < payloadSize) {
            byte[] chunk = in.readNBytes((int) Math.min(blockSize, payloadSize - sentBytes));
            if (chunk.length == 0) {
                throw new IOException("the image ended after " + sentBytes + " of " + payloadSize + " bytes");
            }
            expectSuccess(transfer(registration, DeviceRequest.run(WRITE, chunk), stepTimeout),
                    OtaFailure.WRITE_FAILED);
            sentBytes += chunk.length;
            chunks++;
            try {
                listener.onProgress(device, sentBytes, payloadSize);
            } catch (RuntimeException e) {
                LOG.warn("{}: progress listener failed: {}", device, e.toString());
            }
        }
    }

    DeviceReply call(DeviceRegistration registration, DeviceRequest request, Duration timeout)
            throws InterruptedException {
        try {
            return request(registration, request, timeout);
        } catch (RuntimeException e) {
            throw failOn(e);
        }
    }

    /**
     * A request of the transfer (begin, a write, end): it waits at most its step's timeout, and no longer than the
     * transfer has left of {@code transferTimeout}.
     */
    private DeviceReply transfer(DeviceRegistration registration, DeviceRequest request, Duration stepTimeout)
            throws InterruptedException {
        Duration transferTimeout = options.transferTimeout();
        if (transferTimeout.isZero()) {
            return call(registration, request, stepTimeout);
        }
        long leftNanos = transferTimeout.toNanos() - (System.nanoTime() - startedNanos);
        if (leftNanos < stepTimeout.toNanos()) {
            if (leftNanos <= 0) {
                throw transferTooLong();
            }
            try {
                return request(registration, request,
                        Duration.ofMillis(Math.max(1, TimeUnit.NANOSECONDS.toMillis(leftNanos))));
            } catch (DeviceRequestTimeoutException e) {
                throw transferTooLong();
            } catch (RuntimeException e) {
                throw failOn(e);
            }
        }
        return call(registration, request, stepTimeout);
    }

    private FirmwareUpdateException transferTooLong() {
        return fail(OtaFailure.TIMEOUT, "the image was not staged within transferTimeout ("
                                        + options.transferTimeout().toMillis() + " ms) after " + sentBytes + " of "
                                        + payloadSize + " bytes", null);
    }

    /**
     * Sends {@code request} to that very connection and waits for its answer; nothing is sent once the thread is
     * interrupted. A {@code begin} or a chunk sent after the interrupt (which may come while the image is compressed)
     * would leave the device in an update nobody goes on with, refusing the next {@code begin} until its own timeout.
     */
    DeviceReply request(DeviceRegistration registration, DeviceRequest request, Duration timeout)
            throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before a request was sent");
        }
        return await(server.send(registration, request, timeout));
    }

    private static DeviceReply await(CompletableFuture<DeviceReply> reply) throws InterruptedException {
        try {
            // each request has its own timeout in the session; this waits for that outcome
            return reply.get();
        } catch (ExecutionException e) {
            Throwable cause = Answers.unwrap(e);
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        }
    }

    /** The {@code {success, error}} map of an answer; success must be {@code true}. */
    private void expectSuccess(DeviceReply reply, OtaFailure failure) {
        Map<?, ?> answer = answer(reply);
        if (!Boolean.TRUE.equals(answer.get("success"))) {
            String error = errorText(answer);
            throw fail(failure, error != null ? error : notSuccess(answer.get("success")), null);
        }
    }

    /** What a {@code success} other than {@code true} was: its type only, whatever the device put in it. */
    static String notSuccess(Object success) {
        if (success == null) {
            return "the device's answer has no success";
        }
        if (Boolean.FALSE.equals(success)) {
            return "the device answered success: false";
        }
        String type = success instanceof CharSequence ? "a text" : success instanceof Number ? "a number"
                : success instanceof Map ? "a map" : success instanceof java.util.List ? "a list" : "bytes";
        return "the device answered success as " + type + ", not true or false";
    }

    private Map<?, ?> answer(DeviceReply reply) {
        if (reply.payload() instanceof Map<?, ?> map) {
            return map;
        }
        throw fail(OtaFailure.PROTOCOL, "the device answered without a {success} map", null);
    }

    /**
     * The device's {@code error}, escaped: it becomes the failure's message, which is logged, and a line break of the
     * device's must not forge a log line.
     */
    private static String errorText(Map<?, ?> answer) {
        String error = DeviceOtaOptions.text(answer.get("error"));
        return error.isEmpty() ? null : PsonValues.text(error);
    }

    /** The failure a request's exception means at the current step. */
    FirmwareUpdateException failOn(RuntimeException e) {
        if (e instanceof FirmwareUpdateException f) {
            return f;
        }
        OtaFailure failure;
        if (e instanceof DeviceRequestTimeoutException) {
            failure = OtaFailure.TIMEOUT;
        } else if (e instanceof DeviceDisconnectedException || e instanceof DeviceNotConnectedException) {
            failure = OtaFailure.DEVICE_GONE;
        } else if (e instanceof DeviceErrorException) {
            failure = switch (step) {
                case BEGIN -> OtaFailure.BEGIN_REFUSED;
                case WRITE -> OtaFailure.WRITE_FAILED;
                case END -> OtaFailure.END_FAILED;
                default -> OtaFailure.PROTOCOL;
            };
        } else {
            failure = OtaFailure.PROTOCOL;
        }
        return fail(failure, e.getMessage(), e);
    }

    FirmwareUpdateException fail(OtaFailure failure, String error, Throwable cause) {
        LOG.debug("{}: firmware update failed at {}: {} {}", device, step, failure, error);
        return new FirmwareUpdateException(report(OtaOutcome.FAILED, failure, error), cause);
    }

    /** The update ends with {@code outcome}, which is no failure. */
    FirmwareUpdateReport done(OtaOutcome outcome, String error) {
        step = OtaStep.DONE;
        return report(outcome, null, error);
    }

    /** The version the device runs after the reboot, null when it cannot tell. */
    void confirmedVersion(String confirmed) {
        version = confirmed;
    }

    private FirmwareUpdateReport report(OtaOutcome outcome, OtaFailure failure, String error) {
        return new FirmwareUpdateReport(device, outcome, step, failure, error, previousVersion, expectedVersion,
                version, image.size(), sentBytes, payloadSize, chunks, compression.label(), blockSize,
                Duration.ofNanos(System.nanoTime() - startedNanos));
    }

    void enter(OtaStep next) {
        step = next;
        try {
            listener.onStep(device, next);
        } catch (RuntimeException e) {
            // progress is informational: a broken listener must not break an update half-way
            LOG.warn("{}: progress listener failed: {}", device, e.toString());
        }
    }

    static String known(String version) {
        return DeviceOtaOptions.isKnownVersion(version) ? version : null;
    }
}
