package io.cameliotmp.api;

import java.io.IOException;
import java.util.function.Consumer;

import jakarta.servlet.ServletException;
import org.apache.catalina.connector.ClientAbortException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;

/**
 * Gives the device API's requests Tomcat's way of closing a connection now ({@link ActionCode#CLOSE_NOW}, which the
 * Servlet API lacks), as the request attribute {@link AnswerWriter#CLOSE_CONNECTION}: a client that reads nothing of
 * its answer is closed after {@code camel.iotmp.api.answer-write-timeout}. Tomcat then ends the request on its own
 * threads, and Spring MVC sees the failure as it sees any client that is gone (a {@link ClientAbortException}: quietly,
 * with no error answer); closed from another thread, Tomcat does not call the write listener back.
 */
final class TomcatConnectionCloser extends ValveBase {

    TomcatConnectionCloser() {
        super(true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        Consumer<Throwable> closeNow = failure -> response.getCoyoteResponse().action(ActionCode.CLOSE_NOW,
                new ClientAbortException(failure));
        request.setAttribute(AnswerWriter.CLOSE_CONNECTION, closeNow);
        getNext().invoke(request, response);
    }
}
