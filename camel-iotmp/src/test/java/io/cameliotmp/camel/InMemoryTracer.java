package io.cameliotmp.camel;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.Exchange;
import org.apache.camel.tracing.InjectAdapter;
import org.apache.camel.tracing.SpanAdapter;
import org.apache.camel.tracing.SpanDecorator;
import org.apache.camel.tracing.SpanKind;
import org.apache.camel.tracing.Tracer;

/** The smallest camel-tracing implementation: it keeps every finished span, with its tags, in memory. */
final class InMemoryTracer extends Tracer {

    final List<Span> finished = new CopyOnWriteArrayList<>();

    @Override
    protected void initTracer() {
    }

    @Override
    protected void initContextPropagators() {
    }

    @Override
    protected SpanAdapter startSendingEventSpan(String operationName, SpanKind kind, SpanAdapter parent,
                                                Exchange exchange, InjectAdapter injectAdapter) {
        return new Span(operationName, kind);
    }

    @Override
    protected SpanAdapter startExchangeBeginSpan(Exchange exchange, SpanDecorator sd, String operationName,
                                                 SpanKind kind, SpanAdapter parent) {
        return new Span(operationName, kind);
    }

    @Override
    protected void finishSpan(SpanAdapter span) {
        finished.add((Span) span);
    }

    @Override
    protected void inject(SpanAdapter span, InjectAdapter adapter) {
    }

    /** The finished spans of one Camel component, e.g. camel-iotmp. */
    List<Span> of(String component) {
        return finished.stream().filter(s -> component.equals(s.component)).toList();
    }

    static final class Span implements SpanAdapter {
        final String name;
        final SpanKind kind;
        final Map<String, Object> tags = new ConcurrentHashMap<>();
        volatile String component;
        volatile boolean error;
        private final String id = UUID.randomUUID().toString();

        Span(String name, SpanKind kind) {
            this.name = name;
            this.kind = kind;
        }

        @Override
        public void setComponent(String component) {
            this.component = component;
        }

        @Override
        public void setError(boolean error) {
            this.error = error;
        }

        @Override
        public void setTag(String key, String value) {
            tags.put(key, value);
        }

        @Override
        public void setTag(String key, Number value) {
            tags.put(key, value);
        }

        @Override
        public void setTag(String key, Boolean value) {
            tags.put(key, value);
        }

        @Override
        public void log(Map<String, String> fields) {
        }

        @Override
        public String traceId() {
            return id;
        }

        @Override
        public String spanId() {
            return id;
        }

        @Override
        public String toString() {
            return name + " " + kind + " " + tags;
        }
    }
}
