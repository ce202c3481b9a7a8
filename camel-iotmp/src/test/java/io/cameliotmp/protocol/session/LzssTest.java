package io.cameliotmp.protocol.session;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The LZSS of OTA updates: the bit layout worked out by hand, and round trips across the ring's boundaries. */
class LzssTest {

    private static byte[] encode(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream encoder = Lzss.encoder(out)) {
            encoder.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] decode(byte[] data) throws IOException {
        try (InputStream decoder = Lzss.decoder(new ByteArrayInputStream(data))) {
            return decoder.readAllBytes();
        }
    }

    @Test
    void aLiteralThenAMatchThatOverlapsItself() throws Exception {
        // 'A' is no match in the ring of spaces: 1 then 0x41. The next three 'A's match the first, at ring position
        // 2031 (where writing starts) with length 3: 0, 11111101111, 0001. 25 bits, padded with 0 to four bytes.
        byte[] encoded = encode("AAAA".getBytes(StandardCharsets.US_ASCII));
        assertThat(encoded).containsExactly(0xA0, 0xBF, 0x78, 0x80);
        assertThat(decode(encoded)).isEqualTo("AAAA".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void leadingSpacesMatchTheRingsInitialFill() throws Exception {
        // 17 spaces match the pre-filled ring at once (the nearest candidate, 2030, with the longest length 17)
        byte[] spaces = " ".repeat(17).getBytes(StandardCharsets.US_ASCII);
        byte[] encoded = encode(spaces);
        assertThat(encoded).hasSize(2);
        assertThat(decode(encoded)).isEqualTo(spaces);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 16, 17, 18, 2030, 2031, 2048, 4079, 4096, 4097, 6144, 100_000})
    void roundTripsAcrossRingBoundaries(int size) throws Exception {
        Random random = new Random(size);
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            // text-like: a small alphabet with repeats, so both literals and matches occur
            data[i] = (byte) (i % 97 < 60 ? "firmware ".charAt(random.nextInt(9)) : random.nextInt(256));
        }
        assertThat(decode(encode(data))).isEqualTo(data);
    }

    @Test
    void compressesRepetitiveImagesAndKeepsRandomOnesNearTheirSize() throws Exception {
        byte[] repetitive = new byte[50_000];
        assertThat(encode(repetitive).length).isLessThan(repetitive.length / 5);
        byte[] random = new byte[50_000];
        new Random(1).nextBytes(random);
        // a literal costs 9 bits
        assertThat(encode(random).length).isLessThanOrEqualTo(random.length * 9 / 8 + 1);
    }
}
