package io.cameliotmp.server;

import java.net.SocketAddress;
import java.util.List;

import io.cameliotmp.protocol.PsonValues;
import io.cameliotmp.protocol.session.Answers;
import org.slf4j.Logger;

/**
 * The log lines a peer can cause without authenticating (refused CONNECTs, connections closed for bad input),
 * quota refusals and lines a device's answers cause in the Camel glue: rate-limited by a token bucket shared by the
 * whole server, with every identifier shortened and its control characters escaped, so a flood of bad CONNECTs
 * costs a few lines a second, not its own size in log.
 * Lines over the rate are counted, and the next line that is written says how many were suppressed.
 */
final class RefusalLog {

    /** Lines per second in the long run. */
    static final int LINES_PER_SECOND = 10;
    /** Lines that may be written at once after a quiet period. */
    static final int BURST = 20;
    /** Characters kept of an identifier in a log line. */
    static final int MAX_SHOWN = 64;
    /** Characters kept of a reason or an error, which the server words but which may quote what the peer sent. */
    static final int MAX_REASON_SHOWN = 256;

    private final java.util.function.LongSupplier nanoClock;
    private double tokens = BURST;
    private long lastRefill;
    private long suppressedSinceLast;
    private long suppressedTotal;

    RefusalLog() {
        this(System::nanoTime);
    }

    RefusalLog(java.util.function.LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.lastRefill = nanoClock.getAsLong();
    }

    /** A refused CONNECT: {@code Refusing user/device from address: reason}. */
    void refused(Logger log, Object connectPayload, SocketAddress remote, String reason) {
        if (!log.isInfoEnabled()) {
            return;
        }
        long suppressed = take();
        if (suppressed < 0) {
            return;
        }
        String who = connectPayload instanceof List<?> l && l.size() == 3
                ? shown(l.get(0)) + "/" + shown(l.get(1)) : "device";
        log.info("Refusing {} from {}: {}{}", who, remote, shown(reason, MAX_REASON_SHOWN), note(suppressed));
    }

    /** A connection refused before any CONNECT: {@code Refusing connection from address: reason}. */
    void refusedConnection(Logger log, SocketAddress remote, String reason) {
        if (!log.isInfoEnabled()) {
            return;
        }
        long suppressed = take();
        if (suppressed >= 0) {
            log.info("Refusing connection from {}: {}{}", remote, shown(reason, MAX_REASON_SHOWN), note(suppressed));
        }
    }

    /** A connection closed for what its peer sent: {@code connection: closing after cause}. */
    void closing(Logger log, Object connection, Throwable cause) {
        if (!log.isInfoEnabled()) {
            return;
        }
        long suppressed = take();
        if (suppressed >= 0) {
            log.info("{}: closing after {}{}", shown(connection, MAX_REASON_SHOWN), shown(cause, MAX_REASON_SHOWN),
                    note(suppressed));
        }
    }

    /** A request refused by a quota. */
    void quota(Logger log, Object who, String message) {
        if (!log.isInfoEnabled()) {
            return;
        }
        long suppressed = take();
        if (suppressed >= 0) {
            log.info("Quota: refused {} for {}{}", shown(message, MAX_REASON_SHOWN), shown(who, MAX_REASON_SHOWN),
                    note(suppressed));
        }
    }

    /** A WARN line a peer's answer caused: {@code message: detail}, within the rate limit. */
    void peerCaused(Logger log, String message, Object detail) {
        if (!log.isWarnEnabled()) {
            return;
        }
        long suppressed = take();
        if (suppressed >= 0) {
            log.warn("{}: {}{}", shown(message, MAX_REASON_SHOWN), shown(detail, MAX_REASON_SHOWN), note(suppressed));
        }
    }

    /**
     * An authenticator that threw, or completed without a decision, for a CONNECT. WARN, since it is the operator's
     * authenticator failing, not the device's mistake; but within the rate limit, since a peer whose credentials make
     * it throw (or every peer while its database is down) causes one per attempt. The line carries the failure as
     * text and the frame it was thrown at, which is what an operator needs to find the failing code. The whole stack
     * would be dozens of lines per attempt, with the exception's message unescaped (messages often quote the input
     * that made the code fail), so it is written at DEBUG only, and only for lines the rate lets through.
     */
    void authenticatorFailed(Logger log, AuthRequest request, Throwable failure) {
        if (!log.isWarnEnabled()) {
            return;
        }
        long suppressed = take();
        if (suppressed < 0) {
            return;
        }
        Throwable cause = Answers.unwrap(failure);
        String who = shown(request.user()) + "/" + shown(request.device());
        String what = cause == null ? "no decision" : shown(cause, MAX_REASON_SHOWN) + thrownAt(cause);
        log.warn("Authenticator failed for {} from {}; refusing: {}{}", who, request.remoteAddress(), what,
                note(suppressed));
        if (cause != null && log.isDebugEnabled()) {
            log.debug("Authenticator failure for " + who, cause);
        }
    }

    /** {@code " at frame"}: where the failure shown was thrown, which is code, not peer text. */
    private static String thrownAt(Throwable failure) {
        StackTraceElement[] frames = failure.getStackTrace();
        return frames.length == 0 ? "" : " at " + shown(frames[0], MAX_REASON_SHOWN);
    }

    /** Lines suppressed since the server started. */
    synchronized long suppressed() {
        return suppressedTotal;
    }

    /** Takes a token: the lines suppressed before this one, or -1 when this one is suppressed too. */
    private synchronized long take() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(BURST, tokens + (now - lastRefill) * LINES_PER_SECOND / 1e9);
        lastRefill = now;
        if (tokens < 1) {
            suppressedSinceLast++;
            suppressedTotal++;
            return -1;
        }
        tokens--;
        long suppressed = suppressedSinceLast;
        suppressedSinceLast = 0;
        return suppressed;
    }

    private static String note(long suppressed) {
        return suppressed == 0 ? "" : " (" + suppressed + " similar lines suppressed)";
    }

    /** An identifier as logged: at most {@value #MAX_SHOWN} characters, see {@link #shown(Object, int)}. */
    static String shown(Object value) {
        return shown(value, MAX_SHOWN);
    }

    /**
     * At most {@code max} characters, control characters (line breaks) escaped, and the full length when cut: a
     * peer's text as every log line of the server shows it ({@link PsonValues#text(String, int)}).
     */
    static String shown(Object value, int max) {
        return PsonValues.text(String.valueOf(value), max);
    }
}
