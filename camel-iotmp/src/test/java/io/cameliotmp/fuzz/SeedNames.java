package io.cameliotmp.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Seed file names and the hand-written malformed frames the frame and connection seeds share. */
final class SeedNames {

    private SeedNames() {
    }

    /** {@code prefix-id} with everything but letters, digits, dot and dash replaced, e.g. {@code §3.18 → s3.18}. */
    static String of(String prefix, String id) {
        String clean = id.replace("§", "s").replaceAll("[^A-Za-z0-9.-]+", "-").replaceAll("^-+|-+$", "");
        return prefix + "-" + clean;
    }

    /**
     * Frames every decoder must survive, one per class of defect (more come from {@link #conformanceInputs}). Bodies
     * are
     * framed correctly unless the header itself is the defect.
     */
    static final Map<String, String> MALFORMED_FRAMES = new LinkedHashMap<>();

    static {
        Map<String, String> m = MALFORMED_FRAMES;
        m.put("header-type-only", "06");
        m.put("header-truncated-size", "06 80");
        m.put("header-size-6-byte-varint", "06 80 80 80 80 80 01");
        m.put("header-type-6-byte-varint", "86 80 80 80 80 00 00");
        m.put("header-size-256MiB", "06 FF FF FF 7F");
        m.put("header-size-5-byte-max", "0A FF FF FF FF 0F");
        m.put("header-non-minimal", "85 00 80 00");
        m.put("unknown-type-0B-then-keepalive", "0B 02 08 01 05 00");
        m.put("reserved-type-00-then-keepalive", "00 01 FF 05 00");
        m.put("wire-type-3", frame("06", "08 01 23 00"));
        m.put("wire-type-7", frame("06", "08 01 27 00"));
        m.put("stream-id-as-string", frame("06", "0A 81 61"));
        m.put("key-varint-truncated", frame("06", "08 80"));
        m.put("field-key-11-bytes", frame("06", "FF FF FF FF FF FF FF FF FF FF 01"));
        m.put("pson-bad-float-tag", frame("0A", "08 01 1A 42"));
        m.put("pson-discrete-3", frame("0A", "08 01 1A 63"));
        m.put("pson-string-beyond-body", frame("0A", "08 01 1A 85 68 65"));
        m.put("pson-map-count-2-32", frame("0A", "08 01 1A DF FF FF FF FF 0F"));
        m.put("pson-array-count-beyond", frame("0A", "08 01 1A E2 01"));
        m.put("pson-map-key-not-string", frame("0A", "08 01 1A C1 01 01"));
        m.put("pson-overlong-utf8", frame("0A", "08 01 1A 82 C0 AF"));
        m.put("pson-surrogate-utf8", frame("0A", "08 01 1A 83 ED A0 80"));
        m.put("pson-depth-bomb-40", frame("0A", "08 01 1A " + "E1 ".repeat(40)));
        m.put("pson-depth-bomb-33-maps", frame("0A", "08 01 1A " + "C1 81 61 ".repeat(33) + "00"));
        m.put("pson-v1-object-beyond", frame("0A", "08 01 19 6A 7F 01"));
        m.put("pson-v1-bad-tag", frame("0A", "08 01 19 80 01"));
        m.put("pson-v1-depth-bomb-40", frame("0A", "08 01 19 " + depthBombV1(40)));
        m.put("varint-field-11-bytes", frame("06", "08 FF FF FF FF FF FF FF FF FF FF 01"));
        m.put("varint-above-2-64", frame("06", "18 FF FF FF FF FF FF FF FF FF 02"));
        m.put("body-shorter-than-size", "06 10 08 01");
        m.put("two-frames-second-malformed", "05 00 " + frame("06", "08 01 23 00") + " 05 00");
    }

    /** A frame of message type {@code typeHex} around {@code bodyHex}, with the body size computed. */
    static String frame(String typeHex, String bodyHex) {
        int size = io.cameliotmp.testing.Hex.bytes(bodyHex).length;
        StringBuilder header = new StringBuilder(typeHex);
        int n = size;
        do {
            int b = n & 0x7F;
            n >>>= 7;
            header.append(String.format(" %02X", n != 0 ? b | 0x80 : b));
        } while (n != 0);
        return header + " " + bodyHex.trim();
    }

    /** {@code depth} nested PSON v1 arrays: each level is {@code 72 <size of the rest>}; the innermost is empty. */
    static String depthBombV1(int depth) {
        StringBuilder hex = new StringBuilder();
        for (int level = 0; level < depth; level++) {
            int rest = 2 * (depth - level - 1);
            hex.append("72 ").append(String.format("%02X ", rest));
        }
        return hex.toString().trim();
    }

    /** A row of the conformance table: its name and the bytes a device sends, CONNECT of the setup included. */
    record ConformanceInput(String name, byte[] bytes) {
    }

    /** The table's gen2 and gen1 setups: the CONNECT sent before the row's bytes. */
    private static final Map<String, String> SETUP_CONNECT = Map.of(
            "fresh", "",
            "gen2", "03 18 08 B4 24 1A E3 85 61 6C 69 63 65 85 65 73 70 33 32 86 73 33 63 72 33 74",
            "gen1", "03 18 08 01 10 01 19 72 11 4A 04 75 73 65 72 4A 03 64 65 76 4A 04 70 61 73 73");

    /** Every row of {@code conformance/iotmp-conformance.tsv} as device input, for the seed corpora. */
    static List<ConformanceInput> conformanceInputs() {
        try (InputStream in = SeedNames.class.getResourceAsStream("/conformance/iotmp-conformance.tsv")) {
            if (in == null) {
                throw new IllegalStateException("conformance table not on the test classpath");
            }
            List<ConformanceInput> inputs = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
                String[] columns = line.split("\t");
                if (line.startsWith("#") || columns.length != 4 || columns[0].equals("name")) {
                    continue;
                }
                inputs.add(new ConformanceInput(of("conformance", columns[0]),
                        io.cameliotmp.testing.Hex.bytes(SETUP_CONNECT.get(columns[1]) + " " + columns[2])));
            }
            return inputs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
