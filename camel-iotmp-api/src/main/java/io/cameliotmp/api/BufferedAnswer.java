package io.cameliotmp.api;

import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * A response captured whole in memory, status, headers and body, instead of written to the client: Camel's binding
 * renders an answer into it with its blocking writes, which then never wait for the client, and
 * {@link AnswerWriter} sends it without a thread. The body is the route's answer, whose size the API bounds already (a
 * device's answer is one IOTMP frame).
 * <p>
 * Why the status and headers too: the answer is rendered on whatever thread completes the route, which may be while
 * the request's own thread is still in the container, answering a failure of the connection with its error page;
 * the container's response is not made for two threads, and one that set its headers then ran into the error page's
 * forward ("Cannot forward after response has been committed", an ERROR with a stack trace). Nothing reaches the real
 * response until {@link #applyTo}, which its sender calls once that thread has returned.
 */
final class BufferedAnswer extends HttpServletResponseWrapper {

    /** What the binding sizes its copy buffers by; the real response's buffer is not this one's business. */
    private static final int BUFFER_SIZE = 8192;
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    /** By name, case-insensitively (spelled as first set); values in the order added. */
    private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private int status = SC_OK;
    /** The content type without its charset, which is {@link #charset}. */
    private String mediaType;
    private String charset;
    /** The encoding of a writer taken before any is set: the real response's default. */
    private final String defaultCharset;
    private ServletOutputStream stream;
    private PrintWriter writer;

    /**
     * @param defaultCharset the real response's character encoding, read on the request's thread (a writer taken
     *                       before any encoding is set encodes with it, as the real response's would)
     */
    BufferedAnswer(HttpServletResponse response, String defaultCharset) {
        super(response);
        this.defaultCharset = defaultCharset != null ? defaultCharset : StandardCharsets.ISO_8859_1.name();
    }

    /** The body written so far (what the writer holds included). */
    byte[] body() {
        if (writer != null) {
            writer.flush();
        }
        return body.toByteArray();
    }

    /** Sets the captured status, content type and headers on {@code target}; the body is its sender's. */
    void applyTo(HttpServletResponse target) {
        target.setStatus(status);
        if (mediaType != null) {
            target.setContentType(getContentType());
        } else if (charset != null) {
            target.setCharacterEncoding(charset);
        }
        headers.forEach((name, values) -> {
            target.setHeader(name, values.get(0));
            for (int i = 1; i < values.size(); i++) {
                target.addHeader(name, values.get(i));
            }
        });
    }

    @Override
    public ServletOutputStream getOutputStream() {
        if (writer != null) {
            throw new IllegalStateException("getWriter() was called on this response");
        }
        if (stream == null) {
            stream = new ServletOutputStream() {
                @Override
                public void write(int b) {
                    body.write(b);
                }

                @Override
                public void write(byte[] bytes, int offset, int length) {
                    body.write(bytes, offset, length);
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    throw new UnsupportedOperationException("a buffered answer is written in one go");
                }
            };
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws UnsupportedEncodingException {
        if (stream != null) {
            throw new IllegalStateException("getOutputStream() was called on this response");
        }
        if (writer == null) {
            writer = new PrintWriter(new OutputStreamWriter(body, getCharacterEncoding()));
        }
        return writer;
    }

    @Override
    public void setStatus(int status) {
        this.status = status;
    }

    @Override
    public int getStatus() {
        return status;
    }

    @Override
    public void sendError(int status) {
        sendError(status, null);
    }

    /** The status, with an empty body: the API's errors have a body of their own, which the caller writes. */
    @Override
    public void sendError(int status, String message) {
        resetBuffer();
        this.status = status;
    }

    @Override
    public void setContentType(String type) {
        if (type == null) {
            mediaType = null;
            return;
        }
        StringBuilder rest = new StringBuilder();
        for (String part : type.split(";")) {
            String parameter = part.trim();
            if (parameter.regionMatches(true, 0, "charset=", 0, 8)) {
                // ignored once the writer is taken, as the Servlet API says
                if (writer == null) {
                    charset = parameter.substring(8).replace("\"", "").trim();
                }
            } else if (!parameter.isEmpty()) {
                rest.append(rest.isEmpty() ? "" : ";").append(parameter);
            }
        }
        mediaType = rest.toString();
    }

    @Override
    public String getContentType() {
        return mediaType == null ? null : charset == null ? mediaType : mediaType + ";charset=" + charset;
    }

    @Override
    public void setCharacterEncoding(String encoding) {
        if (writer == null) {
            charset = encoding;
        }
    }

    @Override
    public String getCharacterEncoding() {
        return charset != null ? charset : defaultCharset;
    }

    @Override
    public void setLocale(Locale locale) {
        // an answer's language is its body's business
    }

    @Override
    public void setHeader(String name, String value) {
        if (special(name, value)) {
            return;
        }
        headers.remove(name);
        if (value != null) {
            addHeader(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (value != null && !special(name, value)) {
            headers.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
        }
    }

    /** The two headers a response keeps apart: the content type, and the length, which is the sender's. */
    private boolean special(String name, String value) {
        if ("Content-Type".equalsIgnoreCase(name)) {
            setContentType(value);
            return true;
        }
        return "Content-Length".equalsIgnoreCase(name);
    }

    @Override
    public void setIntHeader(String name, int value) {
        setHeader(name, String.valueOf(value));
    }

    @Override
    public void addIntHeader(String name, int value) {
        addHeader(name, String.valueOf(value));
    }

    @Override
    public void setDateHeader(String name, long date) {
        setHeader(name, HTTP_DATE.format(Instant.ofEpochMilli(date)));
    }

    @Override
    public void addDateHeader(String name, long date) {
        addHeader(name, HTTP_DATE.format(Instant.ofEpochMilli(date)));
    }

    @Override
    public boolean containsHeader(String name) {
        return "Content-Type".equalsIgnoreCase(name) ? mediaType != null : headers.containsKey(name);
    }

    @Override
    public String getHeader(String name) {
        if ("Content-Type".equalsIgnoreCase(name)) {
            return getContentType();
        }
        List<String> values = headers.get(name);
        return values == null ? null : values.get(0);
    }

    @Override
    public Collection<String> getHeaders(String name) {
        List<String> values = headers.get(name);
        return values == null ? List.of() : List.copyOf(values);
    }

    @Override
    public Collection<String> getHeaderNames() {
        return List.copyOf(headers.keySet());
    }

    /** The device API sets no cookies; one that did would have to be sent by the real response's rules. */
    @Override
    public void addCookie(Cookie cookie) {
        throw new UnsupportedOperationException("a device API answer sets no cookies");
    }

    @Override
    public void sendRedirect(String location) {
        throw new UnsupportedOperationException("a device API answer does not redirect");
    }

    /** Nothing is sent yet: flushing would commit the real response before its body is whole. */
    @Override
    public void flushBuffer() {
        if (writer != null) {
            writer.flush();
        }
    }

    @Override
    public boolean isCommitted() {
        return false;
    }

    @Override
    public int getBufferSize() {
        return BUFFER_SIZE;
    }

    @Override
    public void resetBuffer() {
        if (writer != null) {
            writer.flush();
        }
        body.reset();
    }

    /** Everything: the status, the headers and the body. */
    @Override
    public void reset() {
        resetBuffer();
        headers.clear();
        status = SC_OK;
        mediaType = null;
        charset = null;
    }

    /** The length is the captured body's: {@link AnswerWriter} sets it when it sends the body. */
    @Override
    public void setContentLength(int length) {
        // ignored, see above
    }

    @Override
    public void setContentLengthLong(long length) {
        // ignored, see above
    }

    @Override
    public void setBufferSize(int size) {
        // this one grows as needed
    }
}
