package io.cameliotmp.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.cameliotmp.camel.IotmpConstants;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * {@code GET /v3/users/{user}/devices/{device}/files/download?path=…}: a file of an IOTMP-Linux device, streamed to
 * the client as it arrives, never held whole. The size comes from {@code $fs/info/…} (the answer's
 * {@code Content-Length}); the content from a {@code $fs/download/:session} stream whose chunks are acknowledged
 * ({@code {"ack": n, "bytes": m}}) only once they are written to the client, so a slow client slows the device
 * rather than filling memory. At most {@value #MAX_QUEUED_CHUNKS} chunks wait; a device that sends more without
 * acknowledgements, that stops sending for the request timeout, or that ends the stream early cuts the answer short
 * (the client sees fewer bytes than {@code Content-Length}). Each download holds a thread of Spring MVC's task
 * executor while it runs, so at most {@code camel.iotmp.api.max-downloads} run at once (and a client that takes its
 * download slower than {@code download-min-rate} fails it, {@link DownloadRate}), and at most its
 * {@code max-share-per-user} of one user ({@link UserSlots}); beyond them a download is answered 503. A download's
 * place ({@link Slot}) is given back exactly once: when its streaming ends, or when its
 * request ends before the streaming started (Spring MVC may never run it: the async request timeout, a rejecting
 * executor, a client gone), told by {@link #slotReleaser()}.
 * <p>
 * The streaming runs on a task executor thread, which Spring MVC starts as the request goes asynchronous, while the
 * request's own thread is still in the container with it; Tomcat's response is not made for two threads, and that
 * thread may yet answer a failure of the connection there (its error handling, {@link TomcatFailedAsyncCompleter}).
 * So the streaming writes nothing before that thread has returned the request to the container, as a call's answer
 * ({@link AsyncPlatformHttpConsumer}) and the event streams' writers ({@link EventStreamWriters}) wait.
 */
public final class FileDownloads {

    /** The request attribute holding a download's {@link Slot}. */
    static final String SLOT = FileDownloads.class.getName() + ".slot";

    /** The route the devices' download chunks are delivered to. */
    public static final String DELIVERY = "direct:iotmp-api-download-data";

    static final int CHUNK_SIZE = 64 * 1024;
    static final int MAX_QUEUED_CHUNKS = 16;
    private static final byte[] ENDED = new byte[0];
    /** The headers a download sets itself, dropped when it fails before its content starts. */
    private static final Set<String> DOWNLOAD_HEADERS = Set.of("content-type", "content-length",
            "content-disposition");
    private static final Logger LOG = LoggerFactory.getLogger(FileDownloads.class);

    private final ProducerTemplate producer;
    /** The component's request timeout, read for each transfer: how long it waits for the device. */
    private final Supplier<Duration> idleTimeouts;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Download> downloads = new ConcurrentHashMap<>();
    /** Downloads admitted and not yet finished (from the request until the last byte or the failure). */
    private final UserSlots running;
    /** The rate a download's client must keep up: {@code download-min-rate}. */
    private final DownloadRate rate;
    /** Streamings waiting for their request's thread to return it to the container; for tests. */
    private final AtomicInteger awaitingRequestThread = new AtomicInteger();

    /**
     * @param downloads the places of the downloads: {@code max-downloads}, shared by {@code max-share-per-user}
     */
    FileDownloads(ProducerTemplate producer, Supplier<Duration> idleTimeouts, UserSlots downloads, DownloadRate rate) {
        this.producer = producer;
        this.rate = rate;
        this.idleTimeouts = idleTimeouts;
        this.running = downloads;
    }

    /** How many downloads are running. */
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

    /** The places of the downloads. */
    UserSlots slots() {
        return running;
    }

    /** How many streamings wait for their request's thread to return it to the container; for tests. */
    int awaitingRequestThread() {
        return awaitingRequestThread.get();
    }

    @GetMapping("/v3/users/{user}/devices/{device}/files/download")
    public ResponseEntity<StreamingResponseBody> download(@PathVariable String user, @PathVariable String device,
                                                          @RequestParam String path, HttpServletRequest request) {
        InvalidRequestException.requireName("user", user);
        InvalidRequestException.requireName("device", device);
        String relative = ResourcePath.requireFilePath(path);
        UserSlots.Slot place;
        try {
            place = running.acquire(user);
        } catch (UserSlots.Refused refused) {
            throw new TooManyDownloadsException(refused.getMessage());
        }
        Slot slot = new Slot(place);
        request.setAttribute(SLOT, slot);
        RequestThreadReturn requestThread = RequestThreadReturn.ofThisThread();
        try {
            return start(user, device, path, relative, slot, request, requestThread);
        } catch (RuntimeException e) {
            slot.releaseUnlessStreaming();
            throw e;
        }
    }

    /** Gives back the place of a download whose request ended before its streaming started. */
    public ServletRequestListener slotReleaser() {
        return new ServletRequestListener() {
            @Override
            public void requestDestroyed(ServletRequestEvent event) {
                if (event.getServletRequest().getAttribute(SLOT) instanceof Slot slot) {
                    slot.releaseUnlessStreaming();
                }
            }
        };
    }

    private ResponseEntity<StreamingResponseBody> start(String user, String device, String path, String relative,
                                                        Slot slot, HttpServletRequest request,
                                                        RequestThreadReturn requestThread) {
        Map<?, ?> info = producer.requestBodyAndHeaders("iotmp:device?operation=run", null,
                Map.of(IotmpConstants.USER, user, IotmpConstants.DEVICE, device,
                        IotmpConstants.RESOURCE, "$fs/info/" + relative), Map.class);
        if (!(info != null && info.get("size") instanceof Number size && size.longValue() >= 0)) {
            throw new InvalidRequestException(path + " is not a file the device can send: " + info);
        }
        String name = relative.substring(relative.lastIndexOf('/') + 1);
        Consumer<Throwable> closeNow = closeConnection(request);
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .contentLength(size.longValue())
                // saved, never opened as a page of this site; RFC 6266's filename* keeps a name beyond Latin-1
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename(name, StandardCharsets.UTF_8).build().toString())
                .body(out -> {
                    if (!slot.startStreaming()) {
                        throw new IOException("the request ended before the download of " + path + " started");
                    }
                    WrittenTo content = new WrittenTo(rate.watch(out));
                    try {
                        awaitRequestThread(requestThread, path);
                        // the async request timeout bounds the wait for the streaming to start (a busy executor:
                        // 503), not the download, whose chunks and writes have timeouts of their own: firing while
                        // the content was written, it cut the download and its 503 went into the file's bytes
                        AsyncPlatformHttpConsumer.liftAsyncTimeout(request, "download of " + path);
                        stream(user, device, path, size.longValue(), content);
                    } catch (IOException | RuntimeException cut) {
                        // a response cut short (too slow a client, a device gone or silent midway) cannot be followed
                        // by another on its connection: closed now. Left open, its client waited for the rest of the
                        // Content-Length until Tomcat's connection timeout (a minute), as if the download hung. One
                        // that wrote nothing is answered with the error instead (failed)
                        // A client that went away (its write failed) is Tomcat's to close: closing again from
                        // here, after Tomcat's own error handling, cut other clients' requests
                        if (cut instanceof DownloadRate.TooSlowException || content.started && !content.clientGone) {
                            closeNow.accept(cut);
                        }
                        throw cut;
                    } finally {
                        slot.releaseAfterStreaming();
                    }
                });
    }

    /** How to close the request's connection now ({@link TomcatConnectionCloser}); without it, nothing is done. */
    @SuppressWarnings("unchecked")
    private static Consumer<Throwable> closeConnection(HttpServletRequest request) {
        return request.getAttribute(AnswerWriter.CLOSE_CONNECTION) instanceof Consumer<?> closer
                ? (Consumer<Throwable>) closer : failure -> { };
    }

    /**
     * Waits, on the streaming's thread, until the request's thread has returned the request to the container:
     * moments after the streaming starts; at most the request timeout, after which it writes anyway.
     */
    private void awaitRequestThread(RequestThreadReturn requestThread, String path) throws IOException {
        if (!requestThread.pending()) {
            return;
        }
        awaitingRequestThread.incrementAndGet();
        try {
            if (!requestThread.await(idleTimeout().toNanos())) {
                LOG.debug("download of {}: the request's thread is still busy with it; writing anyway", path);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("download of " + path + " interrupted before it started", e);
        } finally {
            awaitingRequestThread.decrementAndGet();
        }
    }

    /**
     * Failures before the content starts, as the API's errors; the download's own headers (its length) are dropped,
     * as when the streaming never ran before the async request timeout. The filters' headers stay: the browser
     * headers, and the CORS headers without which a dashboard's page could not read the error.
     */
    @ExceptionHandler(Exception.class)
    public ResponseEntity<Map<String, Object>> failed(Exception failure, HttpServletResponse response) {
        if (response.isCommitted()) {
            // the content had started: an error's JSON would be taken as the file's next bytes; the connection is
            // closed instead (the streaming did so), which is how HTTP tells a response cut short
            LOG.debug("download failed after its content started: {}", failure.toString());
            return null;
        }
        // by their names as set; getHeaders(name) takes every spelling of a name, so each is taken once
        Map<String, List<String>> kept = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (String name : response.getHeaderNames()) {
            String key = name.toLowerCase(Locale.ROOT);
            if (!DOWNLOAD_HEADERS.contains(key) && seen.add(key)) {
                kept.put(name, List.copyOf(response.getHeaders(name)));
            }
        }
        response.reset();
        kept.forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
        ApiError error;
        if (failure instanceof TooManyDownloadsException) {
            error = new ApiError(503, failure.getMessage());
        } else if (failure instanceof AsyncRequestTimeoutException) {
            error = new ApiError(503, "the download did not start in time (spring.mvc.async.request-timeout): the"
                                      + " server is busy; try again later");
        } else {
            error = ApiError.of(failure);
        }
        return ResponseEntity.status(error.status()).contentType(MediaType.APPLICATION_JSON).body(error.body());
    }

    private void stream(String user, String device, String path, long size, OutputStream out) throws IOException {
        Duration idleTimeout = idleTimeout();
        String resource = "$fs/download/" + HexFormat.of().formatHex(token());
        Download download = new Download();
        String key = user + "/" + device + "/" + resource;
        downloads.put(key, download);
        int streamId = 0;
        Long sessionNumber = null;
        try {
            Map<String, Object> parameters = new LinkedHashMap<>();
            parameters.put("path", path);
            parameters.put("chunk_size", CHUNK_SIZE);
            // the reference client sends up to window_size bytes unacknowledged (2 MiB unless told): no more than
            // this download queues, or a client slower than the device would overflow it
            parameters.put("window_size", MAX_QUEUED_CHUNKS * CHUNK_SIZE);
            Exchange started = producer.send("iotmp:device?operation=startStream&streamTo=" + DELIVERY, exchange -> {
                exchange.setPattern(ExchangePattern.InOut);
                exchange.getMessage().setHeaders(Map.of(IotmpConstants.USER, user, IotmpConstants.DEVICE, device,
                        IotmpConstants.RESOURCE, resource, IotmpConstants.PARAMETERS, parameters));
            });
            if (started.getException() != null) {
                throw new IOException("the device did not start the download: "
                                      + ApiError.of(started.getException()).message());
            }
            streamId = started.getMessage().getHeader(IotmpConstants.STREAM_ID, Integer.class);
            sessionNumber = started.getMessage().getHeader(IotmpConstants.SESSION_NUMBER, Long.class);
            long written = 0;
            long acks = 0;
            while (written < size) {
                byte[] chunk = download.chunks.poll(idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
                if (chunk == null || chunk == ENDED || download.overflowed) {
                    throw new IOException("download of " + path + " stopped after " + written + " of " + size
                                          + " bytes" + (chunk == null ? ": the device sent nothing in time" : ""));
                }
                out.write(chunk);
                written += chunk.length;
                acks++;
                producer.sendBodyAndHeaders("iotmp:device?operation=sendStreamData",
                        Map.of("ack", acks, "bytes", chunk.length),
                        DeviceStreamStop.headers(user, device, streamId, sessionNumber));
            }
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("download interrupted", e);
        } finally {
            downloads.remove(key);
            if (streamId != 0) {
                DeviceStreamStop.quietly(producer, user, device, streamId, sessionNumber, "download");
            }
        }
    }

    /** A chunk of a download, or its end: called by the {@value #DELIVERY} route, in order; never blocks. */
    public void deliver(Exchange exchange) {
        org.apache.camel.Message message = exchange.getMessage();
        Download download = downloads.get(message.getHeader(IotmpConstants.USER) + "/"
                                          + message.getHeader(IotmpConstants.DEVICE) + "/"
                                          + message.getHeader(IotmpConstants.RESOURCE));
        if (download == null) {
            return;
        }
        if (message.getHeader(IotmpConstants.STREAM_ENDED) != null) {
            download.offer(ENDED);
        } else if (message.getBody() instanceof byte[] chunk && chunk.length > 0) {
            download.offer(chunk);
        }
    }

    private byte[] token() {
        byte[] token = new byte[8];
        random.nextBytes(token);
        return token;
    }

    /** More downloads asked for than {@code max-downloads}, or than the user's share of them. */
    static final class TooManyDownloadsException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        TooManyDownloadsException(String message) {
            super(message);
        }
    }

    /**
     * A download's place among the {@code max-downloads}: admitted, then streaming (on a task executor thread), then
     * given back, exactly once, by the streaming's end or, if it never started, by the request's.
     */
    static final class Slot {

        private static final int ADMITTED = 0;
        private static final int STREAMING = 1;
        private static final int RELEASED = 2;

        private final AtomicInteger state = new AtomicInteger(ADMITTED);
        private final UserSlots.Slot place;

        Slot(UserSlots.Slot place) {
            this.place = place;
        }

        /** Whether the streaming may start: false once the request ended (the place is given back then). */
        boolean startStreaming() {
            return state.compareAndSet(ADMITTED, STREAMING);
        }

        void releaseAfterStreaming() {
            if (state.compareAndSet(STREAMING, RELEASED)) {
                place.release();
            }
        }

        /** A streaming that started gives the place back itself, when it ends (it holds a thread until then). */
        void releaseUnlessStreaming() {
            if (state.compareAndSet(ADMITTED, RELEASED)) {
                place.release();
            }
        }
    }

    /**
     * The content's stream, telling whether anything was written to it (the response is then under way) and whether a
     * write failed for the client's connection (other than for its being too slow).
     */
    private static final class WrittenTo extends java.io.FilterOutputStream {

        volatile boolean started;
        volatile boolean clientGone;

        WrittenTo(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            started |= length > 0;
            toClient(() -> out.write(bytes, offset, length));
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void flush() throws IOException {
            toClient(out::flush);
        }

        /** Runs a write or flush towards the client, noting a failure that is not the rate's cut as its going away. */
        private void toClient(ClientWrite write) throws IOException {
            try {
                write.run();
            } catch (DownloadRate.TooSlowException slow) {
                throw slow;
            } catch (IOException gone) {
                clientGone = true;
                throw gone;
            }
        }

        private interface ClientWrite {
            void run() throws IOException;
        }
    }

    /** The chunks of one download on their way to the client. */
    private static final class Download {

        final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(MAX_QUEUED_CHUNKS + 1);
        volatile boolean overflowed;

        void offer(byte[] chunk) {
            if (!chunks.offer(chunk)) {
                // more unacknowledged chunks than the protocol allows: the download fails rather than buffers
                overflowed = true;
                chunks.clear();
                chunks.offer(ENDED);
            }
        }
    }
}
