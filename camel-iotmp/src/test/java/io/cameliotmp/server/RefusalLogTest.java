package io.cameliotmp.server;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import static org.assertj.core.api.Assertions.assertThat;

/** Refusal lines: a few a second whatever the peers do, each short, and the suppressed ones counted. */
class RefusalLogTest {

    private final AtomicLong now = new AtomicLong();
    private final RefusalLog log = new RefusalLog(now::get);
    private final RecordingLogger logger = new RecordingLogger();
    private final InetSocketAddress remote = new InetSocketAddress("192.0.2.1", 4000);

    @Test
    void aFloodOfRefusalsIsCutToTheRateAndTheNextLineSaysHowManyWereSuppressed() {
        for (int i = 0; i < 1000; i++) {
            log.refused(logger, List.of("alice", "d" + i, "pw"), remote, "bad credentials");
        }
        assertThat(logger.lines).hasSize(RefusalLog.BURST);
        assertThat(log.suppressed()).isEqualTo(1000 - RefusalLog.BURST);

        now.addAndGet(1_000_000_000L);
        log.refused(logger, List.of("alice", "late", "pw"), remote, "bad credentials");
        assertThat(logger.lines.get(logger.lines.size() - 1))
                .endsWith("(" + (1000 - RefusalLog.BURST) + " similar lines suppressed)");
        for (int i = 0; i < 100; i++) {
            log.refused(logger, List.of("alice", "d" + i, "pw"), remote, "bad credentials");
        }
        assertThat(logger.lines).hasSize(RefusalLog.BURST + RefusalLog.LINES_PER_SECOND);
    }

    @Test
    void identifiersAreShortenedAndStrippedOfLineBreaks() {
        String forged = "esp32\nINFO everything is fine " + "x".repeat(100_000);
        log.refused(logger, List.of("alice", forged, "pw"), remote, "reason " + "y".repeat(10_000));
        String line = logger.lines.get(0);
        assertThat(line).doesNotContain("\n").contains("esp32\\nINFO").contains("(100030 characters)");
        assertThat(line.length()).isLessThan(500);
    }

    @Test
    void authenticatorFailuresAreCutToTheRateAndShowTheFailureOnOneLine() {
        AuthRequest request = new AuthRequest("alice", "esp32\nforged", "pw", remote, null, null);
        IllegalStateException thrown = new IllegalStateException("no user esp32\nWARN forged " + "x".repeat(10_000));
        for (int i = 0; i < 1000; i++) {
            log.authenticatorFailed(logger, request, new java.util.concurrent.CompletionException(thrown));
        }
        assertThat(logger.lines).hasSize(RefusalLog.BURST);
        String line = logger.lines.get(0);
        assertThat(line).doesNotContain("\n").startsWith("Authenticator failed for alice/esp32\\nforged from ")
                .contains("IllegalStateException: no user esp32\\nWARN forged")
                .contains(" at " + getClass().getName() + ".authenticatorFailuresAre");
        assertThat(line.length()).isLessThan(700);
    }

    /** Keeps the formatted INFO lines. */
    private static final class RecordingLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        final transient List<String> lines = new ArrayList<>();

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                                   Throwable throwable) {
            lines.add(MessageFormatter.basicArrayFormat(pattern, arguments));
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }
    }
}
