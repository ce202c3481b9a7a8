package io.cameliotmp.api;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.coyote.BadRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Admits request bodies of at most {@code camel.iotmp.api.max-body-size}, before anything else reads them:
 * <ul>
 * <li>a declared {@code Content-Length} over the limit is answered 413 at once, without reading the body;</li>
 * <li>a body of unknown length (chunked) is read up to one byte past the limit, and answered 413 when it has that
 * byte: no more than the limit is ever held for a request;</li>
 * <li>a compressed body ({@code Content-Encoding} other than {@code identity}) is answered 415, since its size after
 * decompression is not its size on the wire;</li>
 * <li>a body that has not arrived whole within {@code camel.iotmp.api.body-read-timeout} is answered 408;</li>
 * <li>a body that does not fit in {@code camel.iotmp.api.body-read-buffer}, the bytes of all bodies arriving at once
 * ({@link BodyReadBuffer}), is answered 503: a declared length is taken from it before anything is read, a chunked
 * body's bytes as they come.</li>
 * </ul>
 * The body is read with the Servlet API's non-blocking I/O: while a client sends it slowly, no thread waits for it.
 * Once it has arrived, the request is dispatched again (an async dispatch) with the body as a byte array that the rest
 * of the request reads from memory.
 */
public class RequestBodyFilter extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(RequestBodyFilter.class);
    /** The request attribute holding an admitted body until the async dispatch takes it. */
    private static final String BODY = RequestBodyFilter.class.getName() + ".body";

    /** What a chunked body is first given: it takes more of the buffer as it grows. */
    private static final int CHUNKED_START = 1024;

    private final int maxBodySize;
    private final Duration readTimeout;
    private final BodyReadBuffer bodies;
    private final ObjectMapper json;

    public RequestBodyFilter(IotmpApiProperties properties, ObjectMapper json) {
        this(properties, new BodyReadBuffer(properties.bodyReadBuffer().toBytes()), json);
    }

    RequestBodyFilter(IotmpApiProperties properties, BodyReadBuffer bodies, ObjectMapper json) {
        this.maxBodySize = (int) properties.maxBodySize().toBytes();
        this.readTimeout = properties.bodyReadTimeout();
        this.bodies = bodies;
        this.json = json;
    }

    /**
     * The two routes that stream their body (FirmwareUploads to a file, FileUploads to the device), with limits of
     * their own: the path within the application, whole, so that no other path (a resource named like them) escapes
     * this filter's limit.
     */
    private static final java.util.regex.Pattern STREAMED = java.util.regex.Pattern.compile(
            "/v3/users/[^/]+/devices/[^/]+/(firmware|files/upload)/?");

    /**
     * Whether the request's body is streamed by its route, not read here: a POST of a firmware image or of a file
     * upload. {@link AsyncPlatformHttpConsumer} hands exactly these bodies on unread.
     */
    static boolean streamsItsBody(HttpServletRequest request) {
        if (!"POST".equals(request.getMethod())) {
            return false;
        }
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        String path = context != null && uri.startsWith(context) ? uri.substring(context.length()) : uri;
        return STREAMED.matcher(path).matches();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return streamsItsBody(request);
    }

    /** The body is handed on in the async dispatch that follows its reading. */
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getAttribute(BODY) instanceof byte[] admitted) {
            request.removeAttribute(BODY);
            chain.doFilter(new CachedBodyRequest(request, admitted), response);
            return;
        }
        long declared = request.getContentLengthLong();
        boolean unknownLength = declared < 0 && request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
        if (isAsyncDispatch(request) || declared == 0 || declared < 0 && !unknownLength) {
            // no body, or one that was handled before this dispatch
            chain.doFilter(request, response);
            return;
        }
        if (declared > maxBodySize) {
            tooLarge(response, "the body of " + declared + " bytes");
            return;
        }
        String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
        if (encoding != null && !encoding.isBlank() && !"identity".equalsIgnoreCase(encoding.trim())) {
            refuse(response, new ApiError(415, "compressed bodies (Content-Encoding: " + encoding.strip()
                                               + ") are not accepted; send the body as it is"));
            return;
        }
        int expected = (int) Math.min(declared > 0 ? declared : CHUNKED_START, maxBodySize);
        if (!bodies.reserve(expected, 0)) {
            busy(response);
            return;
        }
        BodyReader reader;
        try {
            AsyncContext async = request.startAsync(request, response);
            async.setTimeout(readTimeout.toMillis());
            reader = new BodyReader(request, response, async, request.getInputStream(), expected);
        } catch (IOException | RuntimeException e) {
            bodies.release(expected);
            throw e;
        }
        try {
            reader.async.addListener(reader);
            reader.in.setReadListener(reader);
        } catch (RuntimeException e) {
            reader.releaseReserved();
            throw e;
        }
    }

    /**
     * Reads a body as it arrives, on container threads called when there is something to read; answers 413 as soon
     * as it is over the limit, 408 when it is not whole in time.
     */
    private final class BodyReader implements ReadListener, AsyncListener {

        private final HttpServletRequest request;
        private final HttpServletResponse response;
        private final AsyncContext async;
        private final ServletInputStream in;
        private final ByteArrayOutputStream body;
        private final byte[] buffer = new byte[8192];
        /** Set once the request is answered or handed on: nothing more to do for it. */
        private final AtomicBoolean done = new AtomicBoolean();
        /** Guarded by {@code this}: the bytes of {@link #bodies} this body holds, and whether it gave them back. */
        private long reserved;
        private boolean released;

        /** @param reserved what of the buffer is taken for this body already: the capacity it starts with */
        BodyReader(HttpServletRequest request, HttpServletResponse response, AsyncContext async, ServletInputStream in,
                   int reserved) {
            this.request = request;
            this.response = response;
            this.async = async;
            this.in = in;
            this.reserved = reserved;
            this.body = new ByteArrayOutputStream(reserved);
        }

        @Override
        public void onDataAvailable() throws IOException {
            while (!done.get() && in.isReady()) {
                int read = in.read(buffer);
                if (read < 0) {
                    return;
                }
                if (body.size() + read > maxBodySize) {
                    if (done.compareAndSet(false, true)) {
                        releaseReserved();
                        tooLarge(response, "the body");
                        async.complete();
                    }
                    return;
                }
                if (!reserve(body.size() + read)) {
                    if (done.compareAndSet(false, true)) {
                        releaseReserved();
                        busy(response);
                        async.complete();
                    }
                    return;
                }
                body.write(buffer, 0, read);
            }
        }

        /** Takes what the body needs beyond what it holds of the buffer (a chunked body grows); false if it cannot. */
        private synchronized boolean reserve(long size) {
            if (released) {
                return false;
            }
            if (size <= reserved) {
                return true;
            }
            if (!bodies.reserve(size - reserved, reserved)) {
                return false;
            }
            reserved = size;
            return true;
        }

        /** Gives back what the body holds of the buffer; once, on whichever way the reading ends. */
        synchronized void releaseReserved() {
            if (!released) {
                released = true;
                bodies.release(reserved);
            }
        }

        @Override
        public void onAllDataRead() {
            if (done.compareAndSet(false, true)) {
                request.setAttribute(BODY, body.toByteArray());
                // arrived: what the call then holds is bounded by its own timeouts, not by what clients send slowly
                releaseReserved();
                async.dispatch();
            }
        }

        @Override
        public void onError(Throwable failure) {
            // Tomcat may report an error of the call without its cause (an error dispatch after the answer, say)
            LOG.debug("{} {}: reading the body failed: {}", request.getMethod(), request.getRequestURI(),
                    String.valueOf(failure));
            if (done.compareAndSet(false, true)) {
                releaseReserved();
                if (failure instanceof BadRequestException malformed) {
                    // the client sent a malformed body (a bad chunk, say) and waits for its answer: a 400, not the
                    // 500 Tomcat gives a call left unanswered
                    refuseQuietly(response, new ApiError(400, "the body is malformed: " + malformed.getMessage()));
                }
                // otherwise the client went away while sending: nobody to answer
                async.complete();
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) throws IOException {
            if (done.compareAndSet(false, true)) {
                releaseReserved();
                refuse(response, new ApiError(408, "the body did not arrive whole within "
                                                   + readTimeout.toSeconds()
                                                   + " s (camel.iotmp.api.body-read-timeout)"));
                async.complete();
            }
        }

        @Override
        public void onError(AsyncEvent event) {
            onError(event.getThrowable());
        }

        @Override
        public void onComplete(AsyncEvent event) {
            // however the request ended, the body holds nothing of the buffer any more
            releaseReserved();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }

    /** A body that does not fit in {@code body-read-buffer} now: 503, the connection closed. */
    private void busy(HttpServletResponse response) throws IOException {
        refuse(response, new ApiError(503, "the server is receiving too many request bodies at once"
                                           + " (camel.iotmp.api.body-read-buffer); try again later"));
    }

    private void tooLarge(HttpServletResponse response, String what) throws IOException {
        refuse(response, new ApiError(413, what + " is larger than " + maxBodySize
                                           + " bytes, the most the API takes (camel.iotmp.api.max-body-size)"));
    }

    /**
     * Answers without having read the rest of the body, and closes the connection: the client may still be sending it
     * (Tomcat discards at most {@code server.tomcat.max-swallow-size} of it before the connection closes).
     */
    private void refuse(HttpServletResponse response, ApiError error) throws IOException {
        response.setStatus(error.status());
        response.setHeader(HttpHeaders.CONNECTION, "close");
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        byte[] body = json.writeValueAsBytes(error.body());
        response.setContentLength(body.length);
        try {
            response.getOutputStream().write(body);
        } catch (IOException e) {
            LOG.debug("answering {} failed: {}", error.status(), e.toString());
        }
    }

    private void refuseQuietly(HttpServletResponse response, ApiError error) {
        try {
            refuse(response, error);
        } catch (IOException | RuntimeException e) {
            LOG.debug("answering {} failed: {}", error.status(), e.toString());
        }
    }

    /** The request with its body read into memory. */
    static final class CachedBodyRequest extends HttpServletRequestWrapper {

        private final byte[] body;

        CachedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body was read already; read it blocking");
                }

                @Override
                public int available() {
                    return in.available();
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String charset = getCharacterEncoding();
            Charset decoding = charset != null && Charset.isSupported(charset) ? Charset.forName(charset)
                    : StandardCharsets.UTF_8;
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), decoding));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
