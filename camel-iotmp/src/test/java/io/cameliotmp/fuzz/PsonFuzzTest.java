package io.cameliotmp.fuzz;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cameliotmp.protocol.IotmpDecodeException;
import io.cameliotmp.protocol.PsonFormat;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.IotmpVectors;
import io.cameliotmp.testing.PsonAssertions;
import io.cameliotmp.testing.PsonNormalisation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Fuzzes the two PSON decoders with arbitrary bytes. Each execution checks that
 * <ul>
 * <li>the only exception is {@link IotmpDecodeException}, with an offset inside the input;</li>
 * <li>a value that decodes consumed between 1 byte and the whole input;</li>
 * <li>it re-encodes to bytes that decode, as one whole value, to the normalised value
 * ({@link PsonNormalisation}: integral floats become integers, v1 floats may travel as float32, ...), and whose
 * re-encoding is byte-identical (the encoder is stable on its own output; for v1 after one more round, as its lossy
 * float32 rule can turn a double into an integral float32, which then travels as an integer).</li>
 * </ul>
 * The input is the raw value bytes, so the seeds are plain PSON.
 */
class PsonFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void psonV1(byte[] input) {
        check(PsonFormat.V1, input);
    }

    @FuzzTest(maxDuration = "5m")
    void psonV2(byte[] input) {
        check(PsonFormat.V2, input);
    }

    static void check(PsonFormat format, byte[] input) {
        if (input == null) {
            return;
        }
        ByteBuf buf = Unpooled.wrappedBuffer(input);
        Object value;
        try {
            value = format.decode(buf, PsonFormat.DEFAULT_MAX_DEPTH);
        } catch (IotmpDecodeException e) {
            if (e.offset() < 0 || e.offset() > input.length) {
                throw new AssertionError("error offset " + e.offset() + " outside the " + input.length
                                         + " input bytes", e);
            }
            return;
        }
        int consumed = buf.readerIndex();
        if (consumed < 1 || consumed > input.length) {
            throw new AssertionError("decoding consumed " + consumed + " of " + input.length + " bytes");
        }
        byte[] encoded = format.toBytes(value);
        Object again;
        try {
            again = format.decode(encoded);
        } catch (IotmpDecodeException e) {
            throw new AssertionError("the re-encoding " + Hex.format(encoded) + " of "
                                     + PsonAssertions.describe(value) + " does not decode", e);
        }
        PsonAssertions.assertPsonEquals(again, PsonNormalisation.canonical(value, format));
        byte[] twice = format.toBytes(again);
        if (format == PsonFormat.V1 && !Arrays.equals(encoded, twice)) {
            // v1's lossy rule may round a double to an integral float32, which then travels as an integer
            // (PsonNormalisationFindingsTest); from there on the encoding must be stable
            encoded = twice;
            twice = format.toBytes(format.decode(twice));
        }
        if (!Arrays.equals(encoded, twice)) {
            throw new AssertionError("encoding is not stable for " + PsonAssertions.describe(value) + ": "
                                     + Hex.format(encoded) + " then " + Hex.format(twice));
        }
    }

    // ---- seeds (written to PsonFuzzTestInputs/psonV1 and /psonV2 by SeedCorpusTest)

    /** The PSON values of the vectors in {@code format}, then malformed and hostile values. */
    static Map<String, byte[]> seeds(PsonFormat format) {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        int n = 0;
        for (IotmpVectors.PsonVector vector : IotmpVectors.load().psonValues()) {
            if (vector.format() == format) {
                String id = vector.row().id();
                String name = SeedNames.of("vector", id);
                if (seeds.containsKey(name)) {
                    name = name + "-" + (++n);
                }
                seeds.put(name, vector.bytes());
            }
        }
        Map<String, String> malformed = format == PsonFormat.V2 ? MALFORMED_V2 : MALFORMED_V1;
        malformed.forEach((name, hex) -> seeds.put(SeedNames.of("malformed", name), Hex.bytes(hex)));
        return seeds;
    }

    static final Map<String, String> MALFORMED_V2 = new LinkedHashMap<>();
    static final Map<String, String> MALFORMED_V1 = new LinkedHashMap<>();

    static {
        Map<String, String> v2 = MALFORMED_V2;
        v2.put("float-inline-2", "42");
        v2.put("float-escaped", "5F 00");
        v2.put("discrete-3", "63");
        v2.put("discrete-31", "7F");
        v2.put("map-key-integer", "C1 01 01");
        v2.put("map-key-bytes", "C1 A1 61 01");
        v2.put("bad-tag-in-array", "E2 01 42");
        v2.put("varint-11-bytes", "1F FF FF FF FF FF FF FF FF FF FF 01");
        v2.put("varint-above-2-64", "1F FF FF FF FF FF FF FF FF FF 02");
        v2.put("string-beyond-input", "85 68 65");
        v2.put("map-2-32-pairs", "DF FF FF FF FF 0F");
        v2.put("array-2-31-elements", "FF FF FF FF FF 07");
        v2.put("bytes-256MiB", "BF 80 80 80 80 01");
        v2.put("float32-truncated", "40 00 00");
        v2.put("float64-truncated", "41 00 00 00 00 00 00");
        v2.put("overlong-utf8", "82 C0 AF");
        v2.put("surrogate-utf8", "83 ED A0 80");
        v2.put("above-10FFFF", "84 F4 90 80 80");
        v2.put("depth-bomb-arrays-33", "E1 ".repeat(33) + "00");
        v2.put("depth-bomb-maps-33", "C1 81 61 ".repeat(33) + "00");
        v2.put("depth-32-arrays-ok", "E1 ".repeat(31) + "E0");
        v2.put("negative-2-64", "3F FF FF FF FF FF FF FF FF FF 01");
        v2.put("negative-zero", "20");
        v2.put("non-minimal-one", "1F 81 00");
        v2.put("duplicate-keys", "C2 81 61 01 81 61 02");
        v2.put("float32-nan", "40 00 00 C0 7F");
        v2.put("float64-nan-payload", "41 01 00 00 00 00 00 F8 7F");
        v2.put("float32-inf", "40 00 00 80 7F");
        v2.put("float64-integral", "41 00 00 00 00 00 00 00 40");
        v2.put("float32-2-pow-63", "40 00 00 00 5F");
        v2.put("trailing-bytes", "01 02 03");

        Map<String, String> v1 = MALFORMED_V1;
        v1.put("field-type-16", "80 01");
        v1.put("field-type-2-32-plus-1", "88 80 80 80 80 01 05");
        v1.put("varint-above-2-64", "08 FF FF FF FF FF FF FF FF FF 7F");
        v1.put("object-4GiB", "6A FF FF FF FF 0F");
        v1.put("array-beyond-input", "72 05 40 40");
        v1.put("string-2-31", "4A FF FF FF FF 07");
        v1.put("element-overruns-array", "72 02 08 AC 02");
        v1.put("overlong-utf8", "4A 02 C0 AF");
        v1.put("surrogate-in-key", "6A 05 03 ED A0 80 38");
        v1.put("key-beyond-object", "6A 02 05 61");
        v1.put("float32-truncated", "1D 00 00");
        v1.put("depth-bomb-40", SeedNames.depthBombV1(40));
        v1.put("depth-32-ok", SeedNames.depthBombV1(32));
        v1.put("unset", "78");
        v1.put("wire-bits-ignored", "0F");
        v1.put("negative-2-64", "10 FF FF FF FF FF FF FF FF FF 01");
        v1.put("float64-nan", "21 00 00 00 00 00 00 F8 7F");
        v1.put("float32-lossy", "1D CD CC CC 3D");
        v1.put("duplicate-keys", "6A 06 01 61 38 01 61 40");
    }
}
