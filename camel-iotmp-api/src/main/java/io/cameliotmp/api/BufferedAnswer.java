package io.cameliotmp.api;

import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UnsupportedEncodingException;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * A response whose body is captured in memory instead of written to the client: status and headers go to the real
 * response (which stays uncommitted), the body to {@link #body()}. Camel's binding renders an answer into it with its
 * blocking writes, which then never wait for the client; {@link AnswerWriter} sends the body without a thread. The
 * body is the route's answer, whose size the API bounds already (a device's answer is one IOTMP frame).
 */
final class BufferedAnswer extends HttpServletResponseWrapper {

    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private ServletOutputStream stream;
    private PrintWriter writer;

    BufferedAnswer(HttpServletResponse response) {
        super(response);
    }

    /** The body written so far (what the writer holds included). */
    byte[] body() {
        if (writer != null) {
            writer.flush();
        }
        return body.toByteArray();
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
    public void resetBuffer() {
        if (writer != null) {
            writer.flush();
        }
        body.reset();
    }

    @Override
    public void reset() {
        resetBuffer();
        super.reset();
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
        // the real response's buffer is the container's business; this one grows as needed
    }
}
