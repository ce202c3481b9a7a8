package io.cameliotmp.examples.quickstart;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Admits request bodies of at most {@code quickstart.http.max-body-size}, before anything else reads them:
 * <ul>
 * <li>a declared {@code Content-Length} over the limit is answered 413 at once, without reading the body;</li>
 * <li>a body of unknown length (chunked) is read up to one byte past the limit, and answered 413 when it has that
 * byte: no more than the limit is ever held for a request;</li>
 * <li>a compressed body ({@code Content-Encoding} other than {@code identity}) is answered 415, since its size after
 * decompression is not its size on the wire.</li>
 * </ul>
 * An admitted body is handed on as a byte array that the rest of the request reads from memory.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class RequestBodyFilter extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(RequestBodyFilter.class);

    private final int maxBodySize;
    private final ObjectMapper json;

    public RequestBodyFilter(HttpProperties properties, ObjectMapper json) {
        this.maxBodySize = (int) properties.maxBodySize().toBytes();
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        boolean unknownLength = declared < 0 && request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
        if (declared == 0 || declared < 0 && !unknownLength) {
            // no body
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
        byte[] body;
        try {
            // one byte more than the limit tells a body that is too large from one that just fits
            body = request.getInputStream().readNBytes(maxBodySize + 1);
        } catch (IOException e) {
            // the client went away, or stopped sending until the connection timed out: nobody to answer
            LOG.debug("{} {}: reading the body failed: {}", request.getMethod(), request.getRequestURI(), e.toString());
            return;
        }
        if (body.length > maxBodySize) {
            tooLarge(response, "the body");
            return;
        }
        chain.doFilter(new CachedBodyRequest(request, body), response);
    }

    private void tooLarge(HttpServletResponse response, String what) throws IOException {
        refuse(response, new ApiError(413, what + " is larger than " + maxBodySize
                                           + " bytes, the most the API takes (quickstart.http.max-body-size)"));
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
