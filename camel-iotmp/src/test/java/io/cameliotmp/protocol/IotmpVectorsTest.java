package io.cameliotmp.protocol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.cameliotmp.testing.EmbeddedCodec;
import io.cameliotmp.testing.Frames;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.IotmpVectors;
import io.cameliotmp.testing.IotmpVectors.Row;
import io.cameliotmp.testing.PsonNormalisation;
import io.cameliotmp.testing.VectorMessages;
import io.cameliotmp.testing.VectorValues;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static io.cameliotmp.testing.PsonAssertions.assertMessageEquals;
import static io.cameliotmp.testing.PsonAssertions.assertPsonEquals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Every table row of {@code iotmp-vectors.md} §1–§8 as a test. Bytes always come from the file; expected values come
 * from
 * the file's meaning column through {@link VectorValues}/{@link VectorMessages}, except for the few rows listed in
 * {@link #IRREGULAR_MEANINGS}.
 */
class IotmpVectorsTest {

    private static final IotmpVectors VECTORS = IotmpVectors.load();

    /** An expectation written by hand: the Java value (or message) and whether encoding it gives the row's bytes. */
    private record Irregular(Object value, boolean encodesToTheBytes) {
    }

    /**
     * Rows whose meaning column is prose the parsers do not read, with the expected value written here instead. The
     * bytes of these rows still come from the file. Keep this table small: prefer teaching the parser a notation
     * that recurs.
     */
    private static final Map<String, Irregular> IRREGULAR_MEANINGS = new HashMap<>();

    static {
        // "bytes, empty"
        IRREGULAR_MEANINGS.put("P27", new Irregular(new byte[0], true));
        // "unset value": legacy tag 0x78 decodes as null; null itself is encoded as 0x00
        IRREGULAR_MEANINGS.put("§3.18", new Irregular(null, false));
        // "START_STREAM id 0xA1, params 5000 as bare varint (...)"
        IRREGULAR_MEANINGS.put("F19", new Irregular(
                IotmpMessage.of(MessageType.START_STREAM, 0xA1, 5000L, null, "temperature"), true));
        // "CALL_ENDPOINT "alert", LX, fire-and-forget (no id → no reply)": a RUN with code 4 in RESOURCE (LX layout)
        IRREGULAR_MEANINGS.put("S5", new Irregular(IotmpMessage.of(MessageType.RUN, 0, "alert", null, 4L), true));
        // "RUN id 1 "led"; unknown field 5 ("x") decoded and ignorable": the unknown field is not re-encoded
        IRREGULAR_MEANINGS.put("§6.2", new Irregular(IotmpMessage.of(MessageType.RUN, 1, null, null, "led"), false));
        // "same CONNECT shape in gen-2 encoding (for comparison)": the §7.1 CONNECT, PSON v2
        IRREGULAR_MEANINGS.put("§7.3", new Irregular(
                IotmpMessage.of(MessageType.CONNECT, 1, 1L, List.of("user", "dev", "pass"), null), true));
        // "RUN id 0x42 with hashed resource: FNV-1a-32("temperature") & 0xFFFF = 0xA935 (43317), as varint"
        IRREGULAR_MEANINGS.put("§8.1", new Irregular(IotmpMessage.of(MessageType.RUN, 0x42, null, null, 43317L),
                true));
        // prose of §7: "DESCRIBE id 4 "led" = `07 08 08 04 19 4A 03 6C 65 64`" (gen-1: resource in field 3)
        IRREGULAR_MEANINGS.put("§7 prose", new Irregular(IotmpMessage.describe(4, "led"), true));
    }

    /** "`1F 81 00` → 1" in a check column: a further input that must decode to the value. */
    private static final Pattern DECODES_TO = Pattern.compile("`([0-9A-F ]+)` → (\\S+?)\\)?$");

    // ---------------------------------------------------------------- §1 varints

    @TestFactory
    Stream<DynamicNode> section1Varints() {
        return rows("1", this::varintRow);
    }

    private List<DynamicNode> varintRow(Row row) {
        List<String> clauses = VectorMessages.splitClauses(row.meaning());
        long value = ((Number) VectorValues.parse(clauses.get(0))).longValue();
        boolean nonMinimal = clauses.subList(1, clauses.size()).equals(List.of("non-minimal"));
        assertThat(clauses.size() == 1 || nonMinimal).as("understood %s", row).isTrue();
        byte[] bytes = row.bytes();
        List<DynamicNode> tests = new ArrayList<>();
        tests.add(dynamicTest("decode", () -> {
            ByteBuf buf = Unpooled.wrappedBuffer(bytes);
            assertThat(Varint.peek(buf, 0, bytes.length, Varint.MAX_BYTES_64, 0)).isEqualTo(value);
            // the same varint behind an escaped PSON v2 tag (0x1F) is the unsigned number itself
            assertPsonEquals(PsonFormat.V2.decode(Frames.concat(new byte[] { 0x1F }, bytes)), value);
        }));
        if (!nonMinimal) {
            tests.add(dynamicTest("encode", () -> {
                ByteBuf buf = Unpooled.buffer();
                assertThat(Varint.write(value, buf)).isEqualTo(bytes.length);
                assertThat(Hex.format(buf)).isEqualTo(Hex.format(bytes));
                assertThat(Varint.size(value)).isEqualTo(bytes.length);
            }));
        }
        Matcher also = DECODES_TO.matcher(row.check());
        if (also.find()) {
            byte[] pson = Hex.bytes(also.group(1));
            Object expected = VectorValues.parse(also.group(2));
            tests.add(dynamicTest("PSON " + also.group(1) + " → " + expected,
                    () -> assertPsonEquals(PsonFormat.V2.decode(pson), expected)));
        }
        return tests;
    }

    // ---------------------------------------------------------------- §2, §3 PSON values

    @TestFactory
    Stream<DynamicNode> section2PsonV2() {
        return rows("2", row -> psonRow(row, PsonFormat.V2));
    }

    @TestFactory
    Stream<DynamicNode> section3PsonV1() {
        return rows("3", row -> psonRow(row, PsonFormat.V1));
    }

    private List<DynamicNode> psonRow(Row row, PsonFormat format) {
        List<String> meanings = IotmpVectors.alternatives(row.meaning());
        List<String> byteCells = IotmpVectors.alternatives(row.bytesCell());
        assertThat(meanings).as("alternatives of %s", row).hasSameSizeAs(byteCells);
        if (meanings.size() == 1) {
            return psonTests(row, row.meaning(), row.bytes(), format);
        }
        List<DynamicNode> nodes = new ArrayList<>();
        for (int i = 0; i < meanings.size(); i++) {
            nodes.add(dynamicContainer(meanings.get(i) + " = " + byteCells.get(i),
                    psonTests(row, meanings.get(i), IotmpVectors.parseBytes(byteCells.get(i)), format)));
        }
        return nodes;
    }

    private List<DynamicNode> psonTests(Row row, String meaning, byte[] bytes, PsonFormat format) {
        Irregular irregular = IRREGULAR_MEANINGS.get(row.id());
        Object input = irregular != null ? irregular.value() : VectorValues.parse(meaning, this::rowValue);
        boolean encodes = irregular == null || irregular.encodesToTheBytes();
        Object expected = PsonNormalisation.canonical(input, format);
        List<DynamicNode> tests = new ArrayList<>();
        tests.add(dynamicTest("decode", () -> {
            Object decoded = format.decode(bytes);
            assertPsonEquals(decoded, expected);
            if (meaning.contains("float32")) {
                assertThat(decoded).isInstanceOf(Float.class);
            } else if (meaning.contains("float64")) {
                assertThat(decoded).isInstanceOf(Double.class);
            }
        }));
        if (encodes) {
            tests.add(dynamicTest("encode", () -> {
                assertThat(Hex.format(format.toBytes(input))).isEqualTo(Hex.format(bytes));
                assertThat(format.sizeOf(input)).isEqualTo(bytes.length);
                // the decoded form is canonical, so it re-encodes to the same bytes
                assertThat(Hex.format(format.toBytes(format.decode(bytes)))).isEqualTo(Hex.format(bytes));
            }));
        }
        return tests;
    }

    /** The raw value of a PSON row, for references such as "payload P35". */
    private Object rowValue(String id) {
        Row row = VECTORS.row(id);
        Irregular irregular = IRREGULAR_MEANINGS.get(id);
        return irregular != null ? irregular.value() : VectorValues.parse(row.meaning(), this::rowValue);
    }

    @TestFactory
    Stream<DynamicTest> section2InvalidPsonV2IsRejected() {
        String paragraph = VECTORS.prose("2").lines()
                .dropWhile(line -> !line.startsWith("Invalid PSON v2"))
                .takeWhile(line -> !line.isBlank())
                .reduce("", (a, b) -> a + " " + b);
        List<byte[]> inputs = IotmpVectors.backtickedHex(paragraph);
        assertThat(inputs).as("invalid inputs listed in §2").hasSizeGreaterThanOrEqualTo(4);
        return inputs.stream().map(bytes -> dynamicTest("rejects " + Hex.format(bytes),
                () -> assertThatThrownBy(() -> PsonFormat.V2.decode(bytes))
                        .isInstanceOf(IotmpDecodeException.class)));
    }

    // ---------------------------------------------------------------- §4, §4.1, §7, §8 frames

    @TestFactory
    Stream<DynamicNode> section4Frames() {
        return rows("4", row -> frameRow(row, Generation.GEN2));
    }

    @TestFactory
    Stream<DynamicNode> section4_1ServiceCalls() {
        return rows("4.1", row -> frameRow(row, Generation.GEN2));
    }

    @TestFactory
    Stream<DynamicNode> section7Gen1Frames() {
        return rows("7", row -> frameRow(row, IotmpVectors.generationOf(row)));
    }

    @TestFactory
    Stream<DynamicNode> section8Informative() {
        return rows("8", row -> frameRow(row, Generation.GEN2));
    }

    @TestFactory
    List<DynamicNode> section7ProseExample() {
        Matcher example = Pattern.compile("e\\.g\\. (.+?) = `([0-9A-F ]+)`")
                .matcher(VECTORS.prose("7").replace('\n', ' '));
        assertThat(example.find()).as("gen-1 DESCRIBE example in the prose of §7").isTrue();
        return frameTests(example.group(1), Hex.bytes(example.group(2)), Generation.GEN1,
                IRREGULAR_MEANINGS.get("§7 prose"));
    }

    /** "(fields reversed: `06 0F 22 ...` decodes to the same)" in a check column. */
    private static final Pattern DECODES_TO_THE_SAME = Pattern.compile("`([0-9A-F ]+)` decodes to the same");

    private List<DynamicNode> frameRow(Row row, Generation generation) {
        List<DynamicNode> tests = frameTests(row.meaning(), row.bytes(), generation,
                IRREGULAR_MEANINGS.get(row.id()));
        Matcher same = DECODES_TO_THE_SAME.matcher(row.check());
        while (same.find()) {
            byte[] variant = Hex.bytes(same.group(1));
            tests.add(dynamicTest("same message from " + same.group(1), () -> assertMessageEquals(
                    Frames.decode(variant, generation, false), Frames.decode(row.bytes(), generation, false))));
        }
        return tests;
    }

    private List<DynamicNode> frameTests(String meaning, byte[] bytes, Generation generation, Irregular irregular) {
        IotmpMessage message = irregular != null
                ? (IotmpMessage) irregular.value()
                : VectorMessages.parse(meaning, this::rowValue);
        boolean encodes = irregular == null || irregular.encodesToTheBytes();
        IotmpMessage expected = canonical(message, generation);
        List<DynamicNode> tests = new ArrayList<>();
        tests.add(dynamicTest("decode " + generation, () -> {
            IotmpMessage decoded = Frames.decode(bytes, generation, false);
            assertMessageEquals(decoded, expected);
            if (decoded.parameters() != null || decoded.payload() != null || decoded.resource() != null) {
                assertThat(decoded.psonWireType()).isIn(0, generation.pson().wireType());
            }
        }));
        if (encodes) {
            tests.add(dynamicTest("encode " + generation, () -> {
                assertThat(Hex.format(Frames.encode(message, generation))).isEqualTo(Hex.format(bytes));
                assertThat(IotmpFrames.frameSize(message, generation)).isEqualTo(bytes.length);
                IotmpMessage decoded = Frames.decode(bytes, generation, false);
                assertThat(Hex.format(Frames.encode(decoded, generation))).isEqualTo(Hex.format(bytes));
            }));
        }
        return tests;
    }

    private static IotmpMessage canonical(IotmpMessage m, Generation generation) {
        PsonFormat pson = generation.pson();
        return IotmpMessage.of(m.type(), m.streamId(), PsonNormalisation.canonical(m.parameters(), pson),
                PsonNormalisation.canonical(m.payload(), pson), PsonNormalisation.canonical(m.resource(), pson));
    }

    // ---------------------------------------------------------------- §5 full session

    private static final Pattern SESSION_STEP = Pattern.compile("(\\d+) ([A-Z_]+)(?: id (0x[0-9A-F]+|\\d+))?.*");

    @TestFactory
    Stream<DynamicNode> section5SessionFrames() {
        return rows("5", row -> {
            Matcher step = SESSION_STEP.matcher(row.meaning());
            assertThat(step.matches()).as("step %s", row).isTrue();
            MessageType type = MessageType.valueOf(step.group(2));
            byte[] bytes = row.bytes();
            return List.of(dynamicTest("decode and re-encode", () -> {
                IotmpMessage decoded = Frames.decode(bytes, Generation.GEN2, false);
                assertThat(decoded.type()).isEqualTo(type);
                if (step.group(3) != null) {
                    String id = step.group(3);
                    assertThat(decoded.streamId())
                            .isEqualTo(id.startsWith("0x") ? Integer.parseInt(id.substring(2), 16)
                                    : Integer.parseInt(id));
                }
                assertThat(Hex.format(Frames.encode(decoded, Generation.GEN2))).isEqualTo(Hex.format(bytes));
            }));
        });
    }

    @Test
    void section5WholeSessionThroughTheCodec() {
        List<Row> steps = VECTORS.rows("5");
        assertThat(steps).hasSize(19);
        byte[][] frames = steps.stream().map(Row::bytes).toArray(byte[][]::new);
        byte[] session = Frames.concat(frames);
        try (EmbeddedCodec codec = new EmbeddedCodec(Generation.GEN2)) {
            List<Object> decoded = codec.feed(session);
            assertThat(decoded).hasSize(frames.length);
            for (int i = 0; i < frames.length; i++) {
                assertMessageEquals((IotmpMessage) decoded.get(i), Frames.decode(frames[i], Generation.GEN2, false));
            }
            byte[] reencoded = codec.encode(decoded.toArray(IotmpMessage[]::new));
            assertThat(Hex.format(reencoded)).isEqualTo(Hex.format(session));
        }
    }

    // ---------------------------------------------------------------- §6 decoder behaviour

    private static final Pattern GEN1_READS = Pattern.compile("a gen-1 decoder reads (.+)$");

    @TestFactory
    Stream<DynamicNode> section6DecoderBehaviour() {
        return rows("6", row -> {
            byte[] bytes = row.bytes();
            String expected = row.meaning();
            MessageType type = MessageType.fromCode(bytes[0]);
            if (expected.startsWith("rejected by gen-2")) {
                List<DynamicNode> tests = new ArrayList<>();
                tests.add(dynamicTest("strict gen-2 rejects", () -> assertThatThrownBy(
                        () -> Frames.decode(bytes, Generation.GEN2, false)).isInstanceOf(IotmpDecodeException.class)));
                Matcher gen1 = GEN1_READS.matcher(expected);
                assertThat(gen1.find()).as("what gen-1 reads in %s", row).isTrue();
                IotmpMessage gen1Message = canonical(VectorMessages.parseClauses(type, gen1.group(1), this::rowValue),
                        Generation.GEN1);
                tests.add(dynamicTest("gen-1 reads " + gen1.group(1), () -> {
                    IotmpMessage decoded = Frames.decode(bytes, Generation.GEN1, false);
                    assertThat(decoded.type()).isEqualTo(gen1Message.type());
                    assertThat(decoded.parameters()).isEqualTo(gen1Message.parameters());
                    assertThat(decoded.payload()).isEqualTo(gen1Message.payload());
                    assertThat(decoded.resource()).isEqualTo(gen1Message.resource());
                }));
                return tests;
            }
            if (expected.startsWith("rejected")) {
                return List.of(dynamicTest("every decoder rejects", () -> {
                    for (Generation generation : Generation.values()) {
                        for (boolean lenient : new boolean[] { false, true }) {
                            assertThatThrownBy(() -> Frames.decode(bytes, generation, lenient))
                                    .as("%s lenient=%s", generation, lenient)
                                    .isInstanceOf(IotmpDecodeException.class);
                        }
                    }
                }));
            }
            Irregular irregular = IRREGULAR_MEANINGS.get(row.id());
            IotmpMessage message = irregular != null
                    ? (IotmpMessage) irregular.value()
                    : VectorMessages.parse(expected, this::rowValue);
            return List.of(dynamicTest("decodes", () -> assertMessageEquals(
                    Frames.decode(bytes, Generation.GEN2, false), canonical(message, Generation.GEN2))));
        });
    }

    // ---------------------------------------------------------------- plumbing

    @Test
    void everySectionWithTablesIsCovered() {
        assertThat(VECTORS.rows().stream().map(Row::section).distinct())
                .containsExactly("1", "2", "3", "4", "4.1", "5", "6", "7", "8");
        assertThat(IRREGULAR_MEANINGS.keySet().stream().filter(id -> !id.equals("§7 prose")))
                .allSatisfy(id -> assertThat(VECTORS.row(id)).isNotNull());
    }

    /** One container per row, named by its id and meaning so a failure points at the line of the file. */
    private static Stream<DynamicNode> rows(String section, java.util.function.Function<Row, List<DynamicNode>> tests) {
        List<Row> rows = VECTORS.rows(section);
        assertThat(rows).as("rows of §%s", section).isNotEmpty();
        return rows.stream().map(row -> {
            String name = row.id() + " " + row.meaning();
            return dynamicContainer(name, tests.apply(row).stream().map(node -> labelled(name, node)));
        });
    }

    /**
     * Prefixes assertion failures with the row, because surefire reports dynamic tests by index
     * ({@code section4Frames()[12][1]}) rather than by display name.
     */
    private static DynamicNode labelled(String row, DynamicNode node) {
        if (node instanceof DynamicTest test) {
            String label = "iotmp-vectors.md " + row + " / " + test.getDisplayName();
            return dynamicTest(test.getDisplayName(), () -> {
                try {
                    test.getExecutable().execute();
                } catch (AssertionError e) {
                    throw new AssertionError(label + ": " + e.getMessage(), e);
                }
            });
        }
        DynamicContainer container = (DynamicContainer) node;
        return dynamicContainer(container.getDisplayName(), container.getChildren().map(n -> labelled(row, n)));
    }
}
