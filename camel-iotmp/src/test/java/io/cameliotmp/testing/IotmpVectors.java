package io.cameliotmp.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.PsonFormat;

/**
 * The byte-exact IOTMP/PSON vectors of {@code iotmp-vectors.md}, read from the test resource {@value #RESOURCE} so
 * tests
 * never retype a vector.
 * <p>
 * Every row of every markdown table becomes a {@link Row}, tagged with the number of the section it is in
 * ({@code "2"}, {@code "4.1"}, ...). Rows whose first column is {@code #} keep that id ({@code P33}, {@code F22},
 * {@code S1}); the others are called {@code §<section>.<n>} with {@code n} counting from 1 within the section, e.g.
 * {@code §3.18}. Text outside tables is kept per section and available through {@link #prose(String)}.
 * <p>
 * Typical use from another test: {@code byte[] frame = IotmpVectors.load().bytes("F22");}
 */
public final class IotmpVectors {

    /** Classpath location of the vector file (the reference vectors, produced by the devices' own code). */
    public static final String RESOURCE = "/iotmp-vectors.md";

    /** Columns that hold bytes or bookkeeping rather than the meaning of a row. */
    private static final Set<String> NON_MEANING_COLUMNS = Set.of("#", "bytes", "input", "dir", "check");

    private static final Pattern HEADING = Pattern.compile("^#{2,3}\\s+(\\d+(?:\\.\\d+)?)\\.?\\s+(.*)$");

    /** One element of a bytes cell: an optional repeat count ({@code 30 × `78`}) and a backticked hex group. */
    private static final Pattern BYTES_ELEMENT
            = Pattern.compile("\\G\\s*(?:then\\s+)?(?:(\\d+)\\s*×\\s*)?`([0-9A-Fa-f ]*)`\\s*");

    private static final Pattern BACKTICKED_HEX = Pattern.compile("`([0-9A-F]{2}(?: [0-9A-F]{2})*)`");

    private static volatile IotmpVectors loaded;

    private final List<Row> rows;
    private final Map<String, Row> byId;
    private final Map<String, String> prose;
    private final Map<String, String> titles;

    private IotmpVectors(List<Row> rows, Map<String, String> prose, Map<String, String> titles) {
        this.rows = Collections.unmodifiableList(rows);
        Map<String, Row> ids = new LinkedHashMap<>();
        for (Row row : rows) {
            if (ids.put(row.id(), row) != null) {
                throw new IllegalStateException("duplicate vector id " + row.id());
            }
        }
        this.byId = Collections.unmodifiableMap(ids);
        this.prose = Collections.unmodifiableMap(prose);
        this.titles = Collections.unmodifiableMap(titles);
    }

    /** The vectors of {@value #RESOURCE}, parsed once per JVM. */
    public static IotmpVectors load() {
        IotmpVectors vectors = loaded;
        if (vectors == null) {
            try (InputStream in = IotmpVectors.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is not on the test classpath");
                }
                vectors = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            loaded = vectors;
        }
        return vectors;
    }

    /** Parses vector markdown (exposed so a parser test can feed its own text). */
    public static IotmpVectors parse(String markdown) {
        List<Row> rows = new ArrayList<>();
        Map<String, StringBuilder> prose = new LinkedHashMap<>();
        Map<String, String> titles = new LinkedHashMap<>();
        String section = "0";
        List<String> headers = null;
        int numberInSection = 0;
        for (String line : markdown.split("\\R")) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                section = heading.group(1);
                titles.put(section, heading.group(2).trim());
                numberInSection = 0;
                headers = null;
                continue;
            }
            if (!line.startsWith("|")) {
                headers = null;
                prose.computeIfAbsent(section, s -> new StringBuilder()).append(line).append('\n');
                continue;
            }
            List<String> cells = cells(line);
            if (headers == null) {
                headers = cells;
            } else if (!cells.stream().allMatch(c -> c.matches(":?-+:?"))) {
                if (cells.size() != headers.size()) {
                    throw new IllegalStateException("row has " + cells.size() + " cells, header " + headers.size()
                                                    + ": " + line);
                }
                numberInSection++;
                String id = "#".equals(headers.get(0)) ? cells.get(0) : "§" + section + "." + numberInSection;
                rows.add(new Row(section, numberInSection, id, headers, cells));
            }
        }
        Map<String, String> proseText = new LinkedHashMap<>();
        prose.forEach((s, text) -> proseText.put(s, text.toString()));
        return new IotmpVectors(rows, proseText, titles);
    }

    private static List<String> cells(String line) {
        String inner = line.trim();
        inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
        List<String> cells = new ArrayList<>();
        for (String cell : inner.split("\\|", -1)) {
            cells.add(cell.trim());
        }
        return cells;
    }

    /** All rows, in file order. */
    public List<Row> rows() {
        return rows;
    }

    /** The rows of the tables directly in {@code section} ({@code "4"} does not include {@code "4.1"}). */
    public List<Row> rows(String section) {
        return rows.stream().filter(r -> r.section().equals(section)).toList();
    }

    /** The row with this id ({@code "P33"}, {@code "F22"}, {@code "§3.18"}). */
    public Row row(String id) {
        Row row = byId.get(id);
        if (row == null) {
            throw new IllegalArgumentException("no vector " + id);
        }
        return row;
    }

    /** The bytes of the row with this id. */
    public byte[] bytes(String id) {
        return row(id).bytes();
    }

    /** Sections whose tables hold complete frames. */
    public static final List<String> FRAME_SECTIONS = List.of("4", "4.1", "5", "7", "8");

    /** A complete frame of the file with the device generation its bytes are written in. */
    public record FrameVector(Row row, Generation generation) {

        public byte[] bytes() {
            return row.bytes();
        }

        @Override
        public String toString() {
            return row.id() + " (" + generation + ") " + row.meaning();
        }
    }

    /**
     * Every frame row of {@link #FRAME_SECTIONS}. §7 holds gen-1 frames (PSON v1), except rows that say they are in
     * gen-2 encoding; all other sections are gen-2.
     */
    public List<FrameVector> frames() {
        List<FrameVector> frames = new ArrayList<>();
        for (Row row : rows) {
            if (FRAME_SECTIONS.contains(row.section())) {
                frames.add(new FrameVector(row, generationOf(row)));
            }
        }
        return frames;
    }

    /** The generation of a frame row, by the rule of {@link #frames()}. */
    public static Generation generationOf(Row row) {
        return row.section().equals("7") && !row.meaning().contains("gen-2") ? Generation.GEN1 : Generation.GEN2;
    }

    /** PSON rows (§2 v2, §3 v1), with rows listing alternatives ({@code true / false / null}) split up. */
    public List<PsonVector> psonValues() {
        List<PsonVector> values = new ArrayList<>();
        for (Row row : rows) {
            PsonFormat format = row.section().equals("2") ? PsonFormat.V2
                    : row.section().equals("3") ? PsonFormat.V1 : null;
            if (format == null) {
                continue;
            }
            List<String> meanings = alternatives(row.meaning());
            List<String> cells = alternatives(row.bytesCell());
            for (int i = 0; i < cells.size(); i++) {
                values.add(new PsonVector(row, meanings.size() == cells.size() ? meanings.get(i) : row.meaning(),
                        parseBytes(cells.get(i)), format));
            }
        }
        return values;
    }

    /** One PSON value of the file: its row, the meaning of this alternative, its bytes and format. */
    public record PsonVector(Row row, String meaning, byte[] bytes, PsonFormat format) {

        @Override
        public String toString() {
            return row.id() + " (" + format + ") " + meaning;
        }
    }

    /** The text of {@code section} outside its tables. */
    public String prose(String section) {
        return prose.getOrDefault(section, "");
    }

    /** The heading text of {@code section}, without its number. */
    public String title(String section) {
        return titles.getOrDefault(section, "");
    }

    /** Every backticked hex group ({@code `42`}, {@code `C1 01 01`}) in {@code text}, in order. */
    public static List<byte[]> backtickedHex(String text) {
        List<byte[]> groups = new ArrayList<>();
        Matcher m = BACKTICKED_HEX.matcher(text);
        while (m.find()) {
            groups.add(Hex.bytes(m.group(1)));
        }
        return groups;
    }

    /**
     * Parses a bytes cell: backticked hex groups, optionally repeated ({@code `9E` then 30 × `78`}).
     *
     * @throws IllegalArgumentException for anything else, so a new notation cannot be silently misread
     */
    public static byte[] parseBytes(String cell) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Matcher m = BYTES_ELEMENT.matcher(cell);
        int end = 0;
        while (end < cell.length() && m.find() && m.start() == end) {
            byte[] group = Hex.bytes(m.group(2));
            int times = m.group(1) == null ? 1 : Integer.parseInt(m.group(1));
            for (int i = 0; i < times; i++) {
                out.writeBytes(group);
            }
            end = m.end();
        }
        if (end != cell.length() || end == 0) {
            throw new IllegalArgumentException("unreadable bytes cell: " + cell);
        }
        return out.toByteArray();
    }

    /** Splits a cell holding several alternatives ({@code `28` / `30` / `00`}); one element if there is no slash. */
    public static List<String> alternatives(String cell) {
        List<String> parts = new ArrayList<>();
        for (String part : cell.split("\\s+/\\s+")) {
            parts.add(part.trim());
        }
        return parts;
    }

    /** One table row of the vector file. */
    public record Row(String section, int number, String id, List<String> headers, List<String> cells) {

        public Row {
            headers = List.copyOf(headers);
            cells = List.copyOf(cells);
        }

        /** The cell under {@code header}. */
        public String cell(String header) {
            int index = headers.indexOf(header);
            if (index < 0) {
                throw new IllegalArgumentException("row " + id + " has no column " + header + ": " + headers);
            }
            return cells.get(index);
        }

        /** The column that says what the bytes mean ("value", "frame", "step", "expected", ...). */
        public String meaning() {
            for (int i = 0; i < headers.size(); i++) {
                if (!NON_MEANING_COLUMNS.contains(headers.get(i))) {
                    return cells.get(i);
                }
            }
            throw new IllegalStateException("row " + id + " has no meaning column: " + headers);
        }

        /** The raw bytes cell ("bytes" or, in decoder tables, "input"). */
        public String bytesCell() {
            return headers.contains("bytes") ? cell("bytes") : cell("input");
        }

        /** The bytes of this row; fails for cells holding several alternatives. */
        public byte[] bytes() {
            return parseBytes(bytesCell());
        }

        /** The verification marks (M, C, D, L, R, ...) and remarks of the check column. */
        public String check() {
            return cell("check");
        }

        @Override
        public String toString() {
            return id + " " + meaning();
        }
    }
}
