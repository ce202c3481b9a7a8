package io.cameliotmp.api;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cameliotmp.api.AnswerWriter.Sending;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpBinding;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConstants;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConsumer;
import org.apache.camel.http.common.HttpHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.util.DisconnectedClientHelper;

/**
 * A platform-http consumer that holds no thread while a route waits for a device.
 * <p>
 * Camel's own Spring Boot consumer answers Spring MVC with a future, so the servlet thread is free, but it runs the
 * route on the application task executor and blocks that thread until the exchange completes: eight calls to a device
 * that does not answer (the executor's eight threads) stall every other request until they time out. This one starts
 * the route on the request thread and continues it with Camel's asynchronous routing engine: the iotmp producer
 * returns at once and the exchange completes on the thread that gets the device's answer (or its timeout). The answer
 * is then rendered into memory, status and headers included ({@link BufferedAnswer}), by a task executor thread (never
 * by an IOTMP thread), and sent with non-blocking I/O ({@link AnswerWriter}) once the request's own thread has returned
 * it to the container, which touches the response no more on that thread: a client that reads slowly, or not at
 * all, holds its answer's bytes but no thread, and loses its connection once it has read nothing for
 * {@code camel.iotmp.api.answer-write-timeout}. The call's future completes once the last byte is handed to the
 * container; Spring MVC then ends the request.
 * <p>
 * Each request is a {@link Call} (a request attribute, {@link #CALL}). When Spring MVC gives up on it first (the async
 * request timeout, or the container reporting the connection gone), {@link AsyncCallInterceptor} abandons the call: a
 * late answer is then dropped, quietly, instead of being written to a response that is already finished. A client that
 * left before its answer is a DEBUG line, not a WARN with a stack trace.
 * <p>
 * Not carried over from Camel's consumer, as the device API uses neither: the cookie handler
 * ({@code useCookieHandler}) and {@code handleWriteResponseError}.
 */
public final class AsyncPlatformHttpConsumer extends SpringBootPlatformHttpConsumer {

    /** The request attribute holding the {@link Call}. */
    static final String CALL = AsyncPlatformHttpConsumer.class.getName() + ".call";

    private static final Logger LOG = LoggerFactory.getLogger(AsyncPlatformHttpConsumer.class);

    /** An exchange property: the request's body is handed to the route unread (see {@link Call#start}). */
    private static final String UNREAD_BODY = AsyncPlatformHttpConsumer.class.getName() + ".unreadBody";

    private final SpringBootPlatformHttpBinding binding = new SpringBootPlatformHttpBinding() {
        @Override
        public Object parseBody(HttpServletRequest request, org.apache.camel.Message message) throws IOException {
            // none yet: PlatformHttpMessage.init turns any body it gets here into a stream cache, reading it whole
            return Boolean.TRUE.equals(message.getExchange().getProperty(UNREAD_BODY)) ? null
                    : super.parseBody(request, message);
        }
    };
    private final Executor writers;
    private final AnswerWriter answers;
    private final CallsInProgress calls;
    private final ObjectMapper json;

    AsyncPlatformHttpConsumer(PlatformHttpEndpoint endpoint, Processor processor, Executor writers,
                              AnswerWriter answers, CallsInProgress calls, ObjectMapper json) {
        super(endpoint, processor, writers);
        this.writers = writers;
        this.answers = answers;
        this.calls = calls;
        this.json = json;
        binding.setHeaderFilterStrategy(endpoint.getHeaderFilterStrategy());
        binding.setMuteException(endpoint.isMuteException());
        binding.setFileNameExtWhitelist(endpoint.getFileNameExtWhitelist());
        binding.setUseReaderForPayload(!endpoint.isUseStreaming());
    }

    /** Called by Spring MVC for every request of this consumer's path; returns at once. */
    @Override
    public CompletableFuture<Void> service(HttpServletRequest request, HttpServletResponse response) {
        Call call = new Call(request, response);
        calls.started(call.answered);
        request.setAttribute(CALL, call);
        ConnectionWriteTimeout.afterServing(call::requestThreadReturned);
        call.start();
        return call.answered;
    }

    /**
     * WAITING for the route, RENDERING its answer into memory, SENDING it, ANSWERED (or failed), or ABANDONED by the
     * container (the async request timeout, a container error) before sending began: only then may the container's
     * side answer instead.
     */
    private enum State { WAITING, RENDERING, SENDING, ANSWERED, ABANDONED }

    /** One request: its exchange runs until the route completes, and its answer is written once, if still wanted. */
    final class Call {

        private final HttpServletRequest request;
        private final HttpServletResponse response;
        private final String name;
        private final AtomicReference<State> state = new AtomicReference<>(State.WAITING);
        /**
         * Counts the three things sending waits for: the rendered answer, the request's asynchronous start, and the
         * return of the request's thread to the container. Until then that thread may still be in the container with
         * the request, answering a failure of its connection (an upload reset mid-body) with the error page, and an
         * answer sent meanwhile from another thread ran into it (see {@link BufferedAnswer}).
         */
        private final AtomicInteger sendable = new AtomicInteger();
        /** Spring MVC may report the end more than once (an error while finishing, then the completion). */
        private final AtomicBoolean ended = new AtomicBoolean();
        /** The rendered answer, once the route completed. */
        private volatile BufferedAnswer answer;
        /** The answer on its way, guarded by this. */
        private Sending sending;
        /** Completes the call should the container not end a request whose answer failed; guarded by this. */
        private ScheduledFuture<?> fallback;
        /** The response's character encoding before the route sets one: the container's or application's default. */
        private final String defaultCharset;
        /** Completed when the answer is sent (or dropped): Spring MVC then ends the request. */
        final CompletableFuture<Void> answered = new CompletableFuture<>();

        Call(HttpServletRequest request, HttpServletResponse response) {
            this.request = request;
            this.response = response;
            this.name = request.getMethod() + " " + request.getRequestURI();
            // read here, on the request's thread: the answer is rendered on another, without the response
            this.defaultCharset = response.getCharacterEncoding();
        }

        void start() {
            if (isSuspended()) {
                answerError(new ApiError(503, "the API is not taking calls now"));
                return;
            }
            Exchange exchange;
            try {
                exchange = createExchange(true);
                exchange.setPattern(ExchangePattern.InOut);
                // a body is never decompressed (RequestBodyFilter refuses compressed ones): its size is what it is
                exchange.setProperty(Exchange.SKIP_GZIP_ENCODING, Boolean.TRUE);
                // an upload's body stays unread until its route has checked its size and taken a slot: Camel would
                // otherwise copy it whole into a stream cache (memory, then disk) before any check
                boolean unreadBody = RequestBodyFilter.streamsItsBody(request);
                if (unreadBody) {
                    exchange.setProperty(UNREAD_BODY, Boolean.TRUE);
                    exchange.setProperty(Exchange.SKIP_WWW_FORM_URLENCODED, Boolean.TRUE);
                }
                HttpHelper.setCharsetFromContentType(request.getContentType(), exchange);
                PlatformHttpMessage message = new PlatformHttpMessage(request, response, exchange, binding, false);
                exchange.setIn(message);
                message.init(exchange, binding, request, response);
                if (unreadBody) {
                    message.setBody(request.getInputStream());
                }
                message.setHeader(SpringBootPlatformHttpConstants.CONTEXT_PATH, getEndpoint().getPath());
                createUoW(exchange);
            } catch (Exception e) {
                LOG.error("{}: could not start the exchange", name, e);
                answerError(new ApiError(500, ApiError.INTERNAL_ERROR));
                return;
            }
            try {
                getAsyncProcessor().process(exchange, doneSync -> completed(exchange, doneSync));
            } catch (RuntimeException e) {
                // the processor failed instead of reporting the failure on the exchange
                exchange.setException(e);
                completed(exchange, true);
            }
        }

        /** The route has completed: render its answer, from here if still on the request thread, else off IOTMP's. */
        private void completed(Exchange exchange, boolean onRequestThread) {
            if (onRequestThread) {
                render(exchange);
                return;
            }
            try {
                writers.execute(() -> render(exchange));
            } catch (RejectedExecutionException e) {
                // the application is stopping: render from here rather than leave the client without an answer
                render(exchange);
            }
        }

        /**
         * Renders the answer into memory (Camel's binding writes with blocking I/O, which then never waits for the
         * client), then has it sent without a thread once the request is asynchronous ({@link #asyncStarted()}) and
         * its thread has returned it to the container ({@link #requestThreadReturned()}).
         */
        private void render(Exchange exchange) {
            BufferedAnswer captured = new BufferedAnswer(response, defaultCharset);
            try {
                if (!state.compareAndSet(State.WAITING, State.RENDERING)) {
                    LOG.debug("{}: answered after the call was given up; the answer is dropped", name);
                    answered.complete(null);
                    return;
                }
                try {
                    binding.writeResponse(exchange, captured);
                } catch (Exception e) {
                    if (state.get() == State.ABANDONED || isClientGone(e)) {
                        // given up while rendering, its client gone: its request may be ended and recycled already
                        LOG.debug("{}: writing the answer failed, the call was given up: {}", name, e.toString());
                    } else {
                        LOG.warn("{}: writing the answer failed", name, e);
                    }
                    captured.reset();
                    writeError(new ApiError(500, ApiError.INTERNAL_ERROR), captured);
                }
            } finally {
                doneUoW(exchange);
                releaseExchange(exchange, false);
            }
            answer = captured;
            if (sendable.incrementAndGet() == 3) {
                send();
            }
        }

        /** Whether the route's answer has been rendered (it may wait to be sent); for tests. */
        boolean rendered() {
            return answer != null;
        }

        /** Spring MVC has made the request asynchronous: an answer may be sent with non-blocking I/O from now on. */
        void asyncStarted() {
            if (sendable.incrementAndGet() == 3) {
                send();
            }
        }

        /**
         * The request's thread has returned it to the container, which touches it no more on that thread. Sending
         * then runs on a task executor thread: this one is the container's, and sets a write listener outside any
         * request.
         */
        void requestThreadReturned() {
            if (sendable.incrementAndGet() == 3) {
                try {
                    writers.execute(this::send);
                } catch (RejectedExecutionException e) {
                    // the application is stopping: send from here rather than leave the client without an answer
                    send();
                }
            }
        }

        private void send() {
            if (state.get() != State.RENDERING || ended.get()) {
                // given up, or ended by a container error, while the answer was rendered: the request's own answer
                // (the async timeout's 503) stands
                answered.complete(null);
                return;
            }
            // Lifted before the call is committed to sending: a timeout that fires after the commit would find
            // nothing to answer and leave the request to the container's own error (a 500, or a cut answer).
            liftAsyncTimeout(request, name);
            if (!state.compareAndSet(State.RENDERING, State.SENDING)) {
                answered.complete(null); // the timeout fired first, and answered
                return;
            }
            try {
                // first: Spring MVC's response refuses it once the request is over, before anything is set on it
                response.getOutputStream();
                answer.applyTo(response);
                byte[] body = answer.body();
                Sending started = answers.send(request, response, body, name, this::sent);
                if (started == null) {
                    writeBlocking(body);
                    return;
                }
                synchronized (this) {
                    sending = started;
                    if (ended.get()) {
                        started.abandon();
                    }
                }
            } catch (IOException | RuntimeException e) {
                // nothing was sent, and the container knows of no failure: the call ends now
                LOG.debug("{}: the answer could not be sent: {}", name, e.toString());
                state.set(State.ANSWERED);
                answered.complete(null);
            }
        }

        /**
         * Writes the answer with blocking writes, on this thread, as Camel's own consumer does: the answers already
         * held for their clients fill {@code answer-send-buffer}. This thread (a task executor's, or a request
         * thread's when the route answered at once) waits for a slow client, at most the container's write timeout.
         */
        private void writeBlocking(byte[] body) {
            try {
                response.setContentLength(body.length);
                ServletOutputStream out = response.getOutputStream();
                out.write(body);
                // ends the response now, without waiting for an unread request body
                out.close();
            } catch (IOException | RuntimeException e) {
                logSendFailure(e);
            }
            state.set(State.ANSWERED);
            answered.complete(null);
        }

        /** The answer is on its way to the client (all handed to the container), or it could not be. */
        private void sent(Throwable failure) {
            state.set(State.ANSWERED);
            if (failure == null) {
                answered.complete(null);
                return;
            }
            logSendFailure(failure);
            // the container reports the failure to Spring MVC too, right after, which ends the request: completing the
            // call first would make Tomcat take the failure as unhandled (its error page, an ERROR line). Should a
            // container not, the call is completed later; the request's end (ended()) cancels that fallback, which
            // would otherwise hold the whole call, its request and its failure for answer-write-timeout: a client that
            // resets its uploads as fast as it can would make the server hold thousands
            synchronized (this) {
                if (!ended.get()) {
                    fallback = answers.afterTimeout(() -> answered.complete(null));
                    return;
                }
            }
            answered.complete(null);
        }

        /**
         * A client that left or read nothing within answer-write-timeout is its own business (DEBUG); anything else is
         * the server's (WARN, with the stack).
         */
        private void logSendFailure(Throwable failure) {
            if (isClientGone(failure) || failure instanceof SocketTimeoutException) {
                LOG.debug("{}: the client did not take its answer: {}", name, failure.toString());
            } else {
                LOG.warn("{}: sending the answer failed", name, failure);
            }
        }

        /**
         * Gives the call up, for the container has given up the request: returns true if the answer will not be
         * written (the caller may answer instead: the route has not completed, or its answer is still being rendered),
         * false if it is being, or has been, sent.
         */
        boolean abandon(String why) {
            State was = giveUp();
            if (was == State.WAITING || was == State.RENDERING) {
                LOG.debug("{}: given up ({}) while {}", name, why,
                        was == State.WAITING ? "the route ran" : "its answer was rendered");
                return true;
            }
            return false;
        }

        /** ABANDONED unless sending began; returns the state it found. */
        private State giveUp() {
            while (true) {
                State was = state.get();
                if (was != State.WAITING && was != State.RENDERING || state.compareAndSet(was, State.ABANDONED)) {
                    return was;
                }
            }
        }

        /** Whether the answer is the call's: being sent, or sent (or failed), so that no one else may write one. */
        boolean answersItself() {
            State now = state.get();
            return now == State.SENDING || now == State.ANSWERED;
        }

        /** Spring MVC has ended the request: nothing may be written to it any more. */
        void ended() {
            giveUp();
            if (ended.compareAndSet(false, true)) {
                LOG.debug("{}: request ended ({})", name, state.get());
                synchronized (this) {
                    if (fallback != null) {
                        fallback.cancel(false);
                        fallback = null;
                    }
                    if (sending != null) {
                        sending.abandon();
                    }
                }
                // an answer being sent, or sent, is over with the request (a call still waiting for its route, or
                // rendering, completes when its answer is dropped)
                if (answersItself()) {
                    answered.complete(null);
                }
            }
        }

        /** Answers at once, on the request thread: an error's small body goes to the socket's buffer. */
        private void answerError(ApiError error) {
            state.set(State.ANSWERED);
            writeError(error, response);
            answered.complete(null);
        }

        private void writeError(ApiError error, HttpServletResponse target) {
            try {
                byte[] errorBody = json.writeValueAsBytes(error.body());
                target.setStatus(error.status());
                target.setContentType(MediaType.APPLICATION_JSON_VALUE);
                target.setContentLength(errorBody.length);
                target.getOutputStream().write(errorBody);
            } catch (IOException | IllegalStateException e) {
                LOG.debug("{}: answering {} failed: {}", name, error.status(), e.toString());
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * Lifts the asynchronous request timeout of {@code request} ({@code spring.mvc.async.request-timeout}), which
     * bounds the wait for an answer (a route, a download's start) but not its sending: a call's answer goes on with
     * answer-write-timeout, which may take longer for a large answer to a slow client, and a download lasts as long
     * as its file takes. Tomcat takes a new timeout at any time (it counts from the asynchronous start); a container
     * that does not leaves the timeout as it was.
     */
    static void liftAsyncTimeout(HttpServletRequest request, String name) {
        try {
            if (request.isAsyncStarted()) {
                request.getAsyncContext().setTimeout(0);
            }
        } catch (IllegalStateException e) {
            LOG.debug("{}: the async request timeout stays: {}", name, e.toString());
        }
    }

    /** A failure that only says the client went away (broken pipe, reset, EOF, Tomcat's ClientAbortException). */
    static boolean isClientGone(Throwable failure) {
        if (DisconnectedClientHelper.isClientDisconnectedException(failure)) {
            return true;
        }
        // Spring knows "connection reset by peer"; a read that meets the client's reset says "Connection reset"
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.SocketException && cause.getMessage() != null
                && cause.getMessage().startsWith("Connection reset")) {
                return true;
            }
        }
        return false;
    }
}
