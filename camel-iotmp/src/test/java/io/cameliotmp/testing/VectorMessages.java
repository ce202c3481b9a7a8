package io.cameliotmp.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;

/**
 * Reads the frame descriptions of {@code iotmp-vectors.md} ("CONNECT id 0x1234, params {"pv":1}, payload [...]") into
 * the
 * {@link IotmpMessage} they describe.
 * <p>
 * A description is a comma separated list of clauses (commas inside quotes, brackets or parentheses do not count):
 * <ul>
 * <li>the first clause starts with a message type name, or with a server service name of {@code docs/protocol.md} §8.1
 * ({@code WRITE_BUCKET}, ...), which devices send as RUN; the rest of that clause is another clause or a description
 * starting with "for";</li>
 * <li>{@code id N} (decimal or {@code 0x} hex), {@code params V}, {@code payload V} (also "compact payload" and
 * "numeric payload"), {@code resource V}, with values as read by {@link VectorValues} and an optional remark in
 * parentheses;</li>
 * <li>{@code no params} and {@code empty}, which add nothing;</li>
 * <li>a clause may be prefixed by a source label ending in a colon ({@code EM layout: id 0x1234}).</li>
 * </ul>
 * Any other clause is an {@link IllegalArgumentException}: such rows need an explicit expectation in the test.
 */
public final class VectorMessages {

    /** Server service codes of docs/protocol.md §8.1; on the wire they are RUN messages. */
    private static final Set<String> SERVICE_NAMES = Set.of("READ_DEVICE_PROPERTY", "SET_DEVICE_PROPERTY",
            "CALL_DEVICE", "CALL_ENDPOINT", "WRITE_BUCKET", "LOCK_SYNC", "UNLOCK_SYNC");

    private static final Pattern ID = Pattern.compile("id (0x[0-9A-Fa-f]+|\\d+)");
    private static final Pattern FIELD = Pattern.compile("(params|(?:compact |numeric )?payload|resource) (.+)");
    private static final Pattern LABEL = Pattern.compile("^[A-Za-z0-9 -]+:\\s+(.*)$");

    private VectorMessages() {
    }

    /** The message a frame description denotes; {@code references} resolves row ids such as {@code P35}. */
    public static IotmpMessage parse(String description, Function<String, Object> references) {
        List<String> clauses = splitClauses(description);
        String first = clauses.get(0);
        int space = first.indexOf(' ');
        String typeName = space < 0 ? first : first.substring(0, space);
        MessageType type = SERVICE_NAMES.contains(typeName) ? MessageType.RUN : MessageType.valueOf(typeName);
        Builder message = new Builder(type);
        if (space >= 0) {
            String rest = first.substring(space + 1).trim();
            if (!rest.startsWith("for ")) {
                message.clause(rest, references, description);
            }
        }
        for (String clause : clauses.subList(1, clauses.size())) {
            message.clause(clause, references, description);
        }
        return message.build();
    }

    /**
     * Applies clauses to a message of a known type, for texts such as "a gen-1 decoder reads payload 0" where the
     * type comes from the frame header.
     */
    public static IotmpMessage parseClauses(MessageType type, String clauses, Function<String, Object> references) {
        Builder message = new Builder(type);
        for (String clause : splitClauses(clauses)) {
            message.clause(clause, references, clauses);
        }
        return message.build();
    }

    /** Splits at commas that are not inside quotes, brackets, braces or parentheses. */
    public static List<String> splitClauses(String text) {
        List<String> clauses = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' && (i == 0 || text.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (!quoted && (c == '[' || c == '{' || c == '(')) {
                depth++;
            } else if (!quoted && (c == ']' || c == '}' || c == ')')) {
                depth--;
            } else if (!quoted && depth == 0 && c == ',') {
                clauses.add(text.substring(start, i).trim());
                start = i + 1;
            }
        }
        clauses.add(text.substring(start).trim());
        return clauses;
    }

    private static final class Builder {
        private final MessageType type;
        private int streamId;
        private Object parameters;
        private Object payload;
        private Object resource;
        private final List<String> seen = new ArrayList<>();

        Builder(MessageType type) {
            this.type = type;
        }

        void clause(String clause, Function<String, Object> references, String description) {
            Matcher label = LABEL.matcher(clause);
            if (label.matches() && !clause.startsWith("\"")) {
                clause = label.group(1);
            }
            if (clause.equals("no params") || clause.equals("empty")) {
                return;
            }
            Matcher id = ID.matcher(clause);
            if (id.lookingAt() && VectorValues.isRemark(clause.substring(id.end()).trim())) {
                once("id", description);
                String n = id.group(1);
                streamId = n.startsWith("0x") ? Integer.parseInt(n.substring(2), 16) : Integer.parseInt(n);
                return;
            }
            Matcher field = FIELD.matcher(clause);
            if (!field.matches()) {
                throw new IllegalArgumentException("cannot read the clause \"" + clause + "\" of \"" + description
                                                   + "\"");
            }
            String name = field.group(1);
            Object value = VectorValues.parse(field.group(2), references);
            if (name.equals("params")) {
                once("params", description);
                parameters = value;
            } else if (name.equals("resource")) {
                once("resource", description);
                resource = value;
            } else {
                once("payload", description);
                payload = value;
            }
        }

        private void once(String field, String description) {
            if (seen.contains(field)) {
                throw new IllegalArgumentException(field + " given twice in \"" + description + "\"");
            }
            seen.add(field);
        }

        IotmpMessage build() {
            return IotmpMessage.of(type, streamId, parameters, payload, resource);
        }
    }
}
