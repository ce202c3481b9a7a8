package io.cameliotmp.api;

import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.cameliotmp.camel.IotmpConstants;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;

/**
 * {@code POST /v3/users/{user}/devices/{device}/files/upload?path=…}: the {@code application/octet-stream} body
 * written to a file of an IOTMP-Linux device, streamed as it arrives, never held whole. The body goes to a
 * {@code $fs/upload/:session} stream (parameters {@code path}, {@code size}, {@code overwrite}) in chunks of
 * {@value #CHUNK_SIZE} bytes. The reference client needs the file's size up front (it refuses the stream without
 * one): it knows the end of the file by it, acknowledges {@code {"ack": n, "bytes": m}} every ~1% of it (at most
 * every MiB) and once the last byte is written, then waits for the server to stop the stream; a stream stopped before
 * that is a cancelled upload, whose file it deletes. So the body needs a {@code Content-Length} (411 without), and at
 * most {@value #WINDOW_BYTES} bytes wait unacknowledged (more than the client's largest gap between
 * acknowledgements), so a slow device slows the client rather than filling memory. An empty file, which the stream
 * cannot carry, is written with {@code $fs/put/…}. The answer (201 with the bytes written) comes once every byte is
 * acknowledged; a device that leaves, ends the stream or stops acknowledging for the request timeout fails the upload
 * with an error answer. The body is at most {@code max-upload-size} bytes (413 beyond); at most {@code max-uploads}
 * run at once, and at most its {@code max-share-per-user} of one user ({@link UserSlots}; 503 beyond), each holding a
 * request thread, and a body slower than {@link UploadRate} allows fails the
 * upload (408), so that a client cannot hold a slot by trickling.
 */
public final class FileUploads {

    /** The route the devices' acknowledgements are delivered to. */
    public static final String DELIVERY = "direct:iotmp-api-upload-acks";

    static final int CHUNK_SIZE = 64 * 1024;
    /**
     * Bytes sent and not yet acknowledged, at most: more than the reference client lets pass between two
     * acknowledgements (1 MiB) plus a chunk, or an upload would wait for an acknowledgement that never comes.
     */
    static final int WINDOW_BYTES = 2 * 1024 * 1024;


    private final ProducerTemplate producer;
    /** The component's request timeout, read for each transfer: how long it waits for the device. */
    private final Supplier<Duration> idleTimeouts;
    private final long maxUploadSize;
    private final UserSlots running;
    private final UploadRate rate;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();

    /**
     * @param uploads the places of the uploads: {@code max-uploads}, shared by {@code max-share-per-user}
     */
    FileUploads(ProducerTemplate producer, Supplier<Duration> idleTimeouts, long maxUploadSize, UserSlots uploads,
                UploadRate rate) {
        if (maxUploadSize < 1) {
            throw new IllegalArgumentException("maxUploadSize must be positive");
        }
        this.producer = producer;
        this.idleTimeouts = idleTimeouts;
        this.maxUploadSize = maxUploadSize;
        this.running = uploads;
        this.rate = rate;
    }

    /** Uploads running now. */
    public int running() {
        return running.held();
    }

    /**
     * How long a transfer waits for the device's next acknowledgement or chunk: the component's effective
     * {@code requestTimeout}, as it is now.
     */
    Duration idleTimeout() {
        return idleTimeouts.get();
    }

    /** The places of the uploads. */
    UserSlots slots() {
        return running;
    }

    /** Writes the request body to the device's file {@code path} (a query parameter); the answer is 201. */
    void upload(Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        String contentType = message.getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith(DeviceApiRoutes.OCTET_STREAM)) {
            throw new UnsupportedMediaTypeException("a file is uploaded as " + DeviceApiRoutes.OCTET_STREAM);
        }
        String path = message.getHeader("path", String.class);
        ResourcePath.requireFilePath(path);
        // overwrite=FALSE, or a typo, overwrote the file: only false (in any case) keeps it
        Boolean overwrite = InvalidRequestException.requireBoolean("overwrite", message.getHeader("overwrite"));
        boolean replace = overwrite == null || overwrite;
        Long declared = message.getHeader(Exchange.CONTENT_LENGTH, Long.class);
        if (declared == null || declared < 0) {
            throw new LengthRequiredException("an upload needs a Content-Length: the device is told the file's size"
                                              + " before its first byte");
        }
        if (declared > maxUploadSize) {
            throw new FirmwareUploads.PayloadTooLargeException("the file of " + declared + " bytes is larger than the "
                                                               + maxUploadSize + " bytes the API accepts"
                                                               + " (camel.iotmp.api.max-upload-size)");
        }
        InputStream body = message.getBody(InputStream.class);
        if (body == null && declared > 0) {
            throw new InvalidRequestException("the file (the request body) is missing");
        }
        String user = message.getHeader(IotmpConstants.USER, String.class);
        UserSlots.Slot slot;
        try {
            slot = running.acquire(user);
        } catch (UserSlots.Refused refused) {
            throw new TooManyUploadsException(refused.getMessage());
        }
        try (InputStream in = rate.watch(body)) {
            String device = message.getHeader(IotmpConstants.DEVICE, String.class);
            long written = declared == 0 ? putEmpty(user, device, path, replace)
                    : send(user, device, path, declared, replace, in);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("path", path);
            answer.put("size", written);
            message.setBody(answer);
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
        } finally {
            slot.release();
        }
    }

    /** An empty file, which an upload stream cannot carry: {@code $fs/put/…} without data. */
    private long putEmpty(String user, String device, String path, boolean overwrite) {
        producer.requestBodyAndHeaders("iotmp:device?operation=run", null,
                Map.of(IotmpConstants.USER, user, IotmpConstants.DEVICE, device,
                        IotmpConstants.RESOURCE, "$fs/put/" + ResourcePath.requireFilePath(path),
                        IotmpConstants.PARAMETERS, Map.of("overwrite", overwrite)));
        return 0;
    }

    private long send(String user, String device, String path, long size, boolean overwrite, InputStream in)
            throws IOException {
        Duration idleTimeout = idleTimeout();
        String resource = "$fs/upload/" + HexFormat.of().formatHex(token());
        String key = user + "/" + device + "/" + resource;
        Upload upload = new Upload();
        uploads.put(key, upload);
        int streamId = 0;
        Long sessionNumber = null;
        try {
            Map<String, Object> parameters = new LinkedHashMap<>();
            parameters.put("path", path);
            parameters.put("size", size);
            parameters.put("overwrite", overwrite);
            Exchange started = producer.send("iotmp:device?operation=startStream&streamTo=" + DELIVERY, exchange -> {
                exchange.setPattern(ExchangePattern.InOut);
                exchange.getMessage().setHeaders(Map.of(IotmpConstants.USER, user, IotmpConstants.DEVICE, device,
                        IotmpConstants.RESOURCE, resource, IotmpConstants.PARAMETERS, parameters));
            });
            if (started.getException() != null) {
                // the device's own answer (not connected, no $fs/upload, its ERROR) is the caller's answer
                Exception failure = started.getException();
                throw failure instanceof RuntimeException runtime ? runtime
                        : new UploadFailedException("the device did not start the upload of " + path, failure);
            }
            streamId = started.getMessage().getHeader(IotmpConstants.STREAM_ID, Integer.class);
            sessionNumber = started.getMessage().getHeader(IotmpConstants.SESSION_NUMBER, Long.class);
            long total = 0;
            for (byte[] chunk = in.readNBytes(CHUNK_SIZE); chunk.length > 0; chunk = in.readNBytes(CHUNK_SIZE)) {
                total += chunk.length;
                if (total > maxUploadSize) {
                    throw new FirmwareUploads.PayloadTooLargeException("the file is larger than the " + maxUploadSize
                                                                       + " bytes the API accepts"
                                                                       + " (camel.iotmp.api.max-upload-size)");
                }
                upload.awaitWindow(chunk.length, idleTimeout, path);
                try {
                    producer.sendBodyAndHeaders("iotmp:device?operation=sendStreamData", chunk,
                            DeviceStreamStop.headers(user, device, streamId, sessionNumber));
                } catch (RuntimeException e) {
                    throw new UploadFailedException("the upload of " + path + " stopped after " + (total - chunk.length)
                                                    + " bytes", e);
                }
            }
            if (total != size) {
                throw new InvalidRequestException("the body has " + total + " bytes, not its Content-Length " + size);
            }
            // every byte acknowledged: the device has written the whole file, and waits for the stream's stop
            upload.awaitWindow(WINDOW_BYTES, idleTimeout, path);
            if (upload.acknowledged.get() != total) {
                throw new UploadFailedException("the device acknowledged " + upload.acknowledged.get() + " of "
                                                + total + " bytes of " + path, null);
            }
            return total;
        } finally {
            uploads.remove(key);
            if (streamId != 0) {
                DeviceStreamStop.quietly(producer, user, device, streamId, sessionNumber, "upload");
            }
        }
    }

    /** An acknowledgement or the stream's end: called by the {@value #DELIVERY} route; never blocks. */
    public void deliver(Exchange exchange) {
        Message message = exchange.getMessage();
        Upload upload = uploads.get(message.getHeader(IotmpConstants.USER) + "/"
                                    + message.getHeader(IotmpConstants.DEVICE) + "/"
                                    + message.getHeader(IotmpConstants.RESOURCE));
        if (upload == null) {
            return;
        }
        if (message.getHeader(IotmpConstants.STREAM_ENDED) != null) {
            upload.end("the device ended the upload stream");
        } else if (message.getBody() instanceof Map<?, ?> ack && ack.get("bytes") instanceof Number bytes) {
            upload.acknowledge(bytes.longValue());
        }
    }

    private byte[] token() {
        byte[] token = new byte[8];
        random.nextBytes(token);
        return token;
    }

    /** More uploads asked for than {@code max-uploads}, or than the user's share of them: 503. */
    static final class TooManyUploadsException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooManyUploadsException(String message) {
            super(message);
        }
    }

    /** An upload without a Content-Length: 411. */
    static final class LengthRequiredException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LengthRequiredException(String message) {
            super(message);
        }
    }

    /** The device left, ended the stream or stopped acknowledging before the file was whole: 502. */
    static final class UploadFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UploadFailedException(String message, Throwable cause) {
            super(cause == null ? message : message + ": " + ApiError.of(cause).message(), cause);
        }
    }

    /** The acknowledgement window of one upload, in bytes. */
    private static final class Upload {

        final Semaphore window = new Semaphore(WINDOW_BYTES);
        final AtomicLong acknowledged = new AtomicLong();
        volatile String ended;

        void acknowledge(long bytes) {
            acknowledged.addAndGet(bytes);
            // a device acknowledging more than was sent cannot widen the window beyond its bound
            int release = (int) Math.min(Math.max(bytes, 0), WINDOW_BYTES - window.availablePermits());
            window.release(release);
        }

        void end(String why) {
            ended = why;
            window.release(WINDOW_BYTES);
        }

        /** Waits for {@code bytes} free in the window; they are kept only to send a chunk. */
        void awaitWindow(int bytes, Duration timeout, String path) throws IOException {
            try {
                if (!window.tryAcquire(bytes, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new UploadFailedException("the device acknowledged nothing of " + path + " in "
                                                    + timeout.toMillis() + " ms", null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("upload interrupted", e);
            }
            if (ended != null) {
                throw new UploadFailedException(ended + " before " + path + " was whole", null);
            }
            if (bytes == WINDOW_BYTES) {
                window.release(bytes);
            }
        }
    }
}
