package io.cameliotmp.device;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A registered resource path, literal or with patterns as IOTMP-Linux understands them (docs/protocol.md §6.3):
 * {@code :name} captures one segment, {@code *name} captures the rest of the path including {@code /} and must be the
 * last segment. Both may capture an empty text, as IOTMP-Linux's matcher does: {@code $fs/get/} is how a server
 * lists the root of that client's files.
 */
final class ResourcePath {

    private final String path;
    /** One entry per segment: a literal, or a capture name with its kind. */
    private final List<Segment> segments;
    private final boolean literal;

    private record Segment(String text, boolean capture, boolean rest) {
    }

    ResourcePath(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("resource path must not be empty");
        }
        this.path = path;
        String[] parts = path.split("/", -1);
        List<Segment> parsed = new ArrayList<>(parts.length);
        boolean anyCapture = false;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.length() > 1 && part.charAt(0) == ':') {
                parsed.add(new Segment(part.substring(1), true, false));
                anyCapture = true;
            } else if (part.length() > 1 && part.charAt(0) == '*') {
                if (i != parts.length - 1) {
                    throw new IllegalArgumentException("'" + part + "' must be the last segment of " + path);
                }
                parsed.add(new Segment(part.substring(1), true, true));
                anyCapture = true;
            } else {
                parsed.add(new Segment(part, false, false));
            }
        }
        this.segments = List.copyOf(parsed);
        this.literal = !anyCapture;
    }

    String path() {
        return path;
    }

    boolean isLiteral() {
        return literal;
    }

    /** The captures if {@code concrete} matches this path, else {@code null}; empty map for a literal match. */
    Map<String, String> match(String concrete) {
        if (literal) {
            return path.equals(concrete) ? Collections.emptyMap() : null;
        }
        Map<String, String> captures = new LinkedHashMap<>();
        int pos = 0;
        int length = concrete.length();
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            if (i > 0) {
                if (pos >= length || concrete.charAt(pos) != '/') {
                    return null;
                }
                pos++;
            }
            if (segment.rest()) {
                captures.put(segment.text(), concrete.substring(pos));
                return Collections.unmodifiableMap(captures);
            }
            int end = concrete.indexOf('/', pos);
            if (end < 0) {
                end = length;
            }
            String value = concrete.substring(pos, end);
            if (segment.capture()) {
                captures.put(segment.text(), value);
            } else if (!segment.text().equals(value)) {
                return null;
            }
            pos = end;
        }
        return pos == length ? Collections.unmodifiableMap(captures) : null;
    }

    @Override
    public String toString() {
        return path;
    }
}
