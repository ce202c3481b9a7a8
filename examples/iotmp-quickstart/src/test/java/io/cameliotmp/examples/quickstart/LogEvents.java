package io.cameliotmp.examples.quickstart;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/**
 * The log events of a test, as Logback delivers them: every logger's WARN and ERROR (to assert there were none), and
 * the DEBUG of the classes a test watches (to wait until something quiet has happened). Closing it puts the levels
 * back.
 */
final class LogEvents extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final List<Logger> watched;
    private final List<Level> levels;

    /** Starts recording; {@code debugOf} are the classes whose DEBUG events are recorded too. */
    LogEvents(Class<?>... debugOf) {
        watched = java.util.Arrays.stream(debugOf).map(c -> (Logger) LoggerFactory.getLogger(c)).toList();
        levels = watched.stream().map(Logger::getLevel).toList();
        watched.forEach(logger -> logger.setLevel(Level.DEBUG));
        setContext(root.getLoggerContext());
        start();
        root.addAppender(this);
    }

    @Override
    protected void append(ILoggingEvent event) {
        events.add(event);
    }

    /** The formatted messages of {@code type}'s events at {@code level} that contain {@code text}. */
    List<String> messages(Class<?> type, Level level, String text) {
        return events.stream()
                .filter(e -> e.getLoggerName().equals(type.getName()) && e.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains(text))
                .toList();
    }

    /** The formatted messages of every logger's events that contain {@code text}. */
    List<String> messagesContaining(String text) {
        return events.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(text)).toList();
    }

    /** Every WARN and ERROR so far, of any logger, as {@code LEVEL logger: message}. */
    List<String> warnings() {
        return events.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()
                          + (e.getThrowableProxy() != null ? " (" + e.getThrowableProxy().getClassName() + ")" : ""))
                .toList();
    }

    @Override
    public void close() {
        root.detachAppender(this);
        stop();
        for (int i = 0; i < watched.size(); i++) {
            watched.get(i).setLevel(levels.get(i));
        }
    }
}
