package io.cameliotmp.api;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** What Camel's binding renders into a {@link BufferedAnswer} stays there until it is applied to the real response. */
class BufferedAnswerTest {

    private final MockHttpServletResponse real = new MockHttpServletResponse();
    private final BufferedAnswer answer = new BufferedAnswer(real, "ISO-8859-1");

    @Test
    void statusHeadersAndBodyStayCapturedUntilApplied() throws Exception {
        answer.setStatus(201);
        answer.setHeader("Content-Type", "application/json; charset=UTF-8");
        answer.addHeader("X-Many", "one");
        answer.addHeader("x-many", "two");
        answer.setIntHeader("X-Count", 3);
        answer.setHeader("X-Gone", "soon");
        answer.setHeader("X-Gone", null);
        answer.setContentLength(99);
        answer.setHeader("Content-Length", "98");
        answer.getOutputStream().write("{}".getBytes(StandardCharsets.UTF_8));
        answer.flushBuffer();

        assertThat(real.getStatus()).isEqualTo(200);
        assertThat(real.getHeaderNames()).isEmpty();
        assertThat(real.getContentType()).isNull();
        assertThat(real.isCommitted()).isFalse();
        assertThat(answer.isCommitted()).isFalse();
        assertThat(answer.getStatus()).isEqualTo(201);
        assertThat(answer.getContentType()).isEqualTo("application/json;charset=UTF-8");
        assertThat(answer.getCharacterEncoding()).isEqualTo("UTF-8");
        assertThat(answer.getHeaders("X-MANY")).containsExactly("one", "two");
        assertThat(answer.containsHeader("X-Gone")).isFalse();
        assertThat(answer.getHeaderNames()).containsExactlyInAnyOrder("X-Count", "X-Many");

        answer.applyTo(real);

        assertThat(real.getStatus()).isEqualTo(201);
        assertThat(real.getContentType()).isEqualTo("application/json;charset=UTF-8");
        assertThat(real.getHeaders("X-Many")).containsExactly("one", "two");
        assertThat(real.getHeader("X-Count")).isEqualTo("3");
        assertThat(real.containsHeader("X-Gone")).isFalse();
        // the length is the sender's, from the captured body
        assertThat(real.containsHeader("Content-Length")).isFalse();
        assertThat(answer.body()).isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theWriterEncodesWithTheCharsetSetBeforeIt() throws Exception {
        answer.setContentType("text/plain");
        answer.setCharacterEncoding("UTF-8");
        PrintWriter writer = answer.getWriter();
        // too late for the writer, as the Servlet API says
        answer.setCharacterEncoding("ISO-8859-1");
        writer.print("é");

        assertThat(answer.body()).isEqualTo(new byte[] {(byte) 0xc3, (byte) 0xa9});
        assertThat(answer.getContentType()).isEqualTo("text/plain;charset=UTF-8");
    }

    @Test
    void aWriterTakenBeforeAnyCharsetEncodesWithTheRealResponsesDefault() throws Exception {
        BufferedAnswer utf8ByDefault = new BufferedAnswer(real, "UTF-8");
        utf8ByDefault.setContentType("text/plain");
        utf8ByDefault.getWriter().print("é");

        assertThat(utf8ByDefault.body()).isEqualTo(new byte[] {(byte) 0xc3, (byte) 0xa9});
        // nothing set: the real response applies its default itself
        assertThat(utf8ByDefault.getContentType()).isEqualTo("text/plain");
    }

    @Test
    void aResetForgetsEverythingButTheRealResponseIsNotTouched() throws Exception {
        real.setHeader("X-Before", "kept");
        answer.setStatus(502);
        answer.setContentType("application/json");
        answer.addHeader("X-Partial", "1");
        answer.getOutputStream().write(1);

        answer.reset();

        assertThat(answer.getStatus()).isEqualTo(200);
        assertThat(answer.getContentType()).isNull();
        assertThat(answer.getHeaderNames()).isEmpty();
        assertThat(answer.body()).isEmpty();
        assertThat(real.getHeader("X-Before")).isEqualTo("kept");
    }

    @Test
    void anErrorKeepsItsStatusAndDropsTheBody() throws Exception {
        answer.getOutputStream().write(new byte[] {1, 2, 3});
        answer.sendError(404, "not here");

        assertThat(answer.getStatus()).isEqualTo(404);
        assertThat(answer.body()).isEmpty();
        assertThat(real.getStatus()).isEqualTo(200);
    }
}
