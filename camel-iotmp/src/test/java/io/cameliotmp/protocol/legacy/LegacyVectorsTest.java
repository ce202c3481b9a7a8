package io.cameliotmp.protocol.legacy;

import java.util.List;
import java.util.stream.Stream;

import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.LegacyVectors;
import io.cameliotmp.testing.LegacyVectors.Row;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Every row of the legacy vector file as a test: the bytes decode, through the codec, to exactly the frame the row
 * states, and the frame the row states encodes to exactly its bytes. The three rows that hold the device's "unset"
 * value are decode-only: it has no Java value of its own and reads as null (absent).
 */
class LegacyVectorsTest {

    private static final List<Row> ROWS = LegacyVectors.load();

    @Test
    void theFileHasAllSixtyRows() {
        assertThat(ROWS).hasSize(60);
        assertThat(ROWS.get(0).id()).isEqualTo("L01");
        assertThat(ROWS.get(59).id()).isEqualTo("L60");
        assertThat(ROWS.stream().filter(Row::holdsUnset).map(Row::id)).containsExactly("L51", "L55", "L59");
    }

    @TestFactory
    Stream<DynamicTest> everyRowDecodesToItsMeaning() {
        return ROWS.stream().map(row -> dynamicTest(row.id() + " decodes: " + row.decoded(), () -> {
            EmbeddedChannel channel = new EmbeddedChannel(new LegacyFrameCodec(1 << 16, 32));
            try {
                channel.writeInbound(Unpooled.wrappedBuffer(row.bytes()));
                Object decoded = channel.readInbound();
                assertThat(decoded).isInstanceOf(LegacyMessage.class);
                LegacyMessage expected = row.message();
                assertThat(((LegacyMessage) decoded).sameAs(expected))
                        .as("decoded %s, expected %s", decoded, expected).isTrue();
                assertThat((Object) channel.readInbound()).isNull();
            } finally {
                channel.finishAndReleaseAll();
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyRowEncodesToItsBytes() {
        return ROWS.stream().filter(row -> !row.holdsUnset())
                .map(row -> dynamicTest(row.id() + " encodes: " + row.decoded(), () -> {
                    LegacyMessage message = row.message();
                    EmbeddedChannel channel = new EmbeddedChannel(new LegacyFrameCodec(1 << 16, 32));
                    try {
                        channel.writeOutbound(message);
                        ByteBuf out = channel.readOutbound();
                        try {
                            assertThat(Hex.format(out)).isEqualTo(Hex.format(row.bytes()));
                        } finally {
                            out.release();
                        }
                        assertThat(LegacyFrames.frameSize(message)).isEqualTo(row.bytes().length);
                    } finally {
                        channel.finishAndReleaseAll();
                    }
                }));
    }

    /** The unset rows: encoding what they decode to gives the same frame with null ({@code 00}) or no payload. */
    @Test
    void unsetReadsAsAbsentAndIsNeverWritten() {
        LegacyMessage l55 = LegacyVectors.row("L55").message();
        assertThat(l55.payload()).isNull();
        ByteBuf out = Unpooled.buffer();
        LegacyFrames.encode(l55, out);
        assertThat(Hex.format(out)).isEqualTo("01 04 08 18 10 01");
        out.release();
    }

    @Test
    void theWholeSessionDecodesFromOneStreamOfBytes() {
        EmbeddedChannel channel = new EmbeddedChannel(new LegacyFrameCodec(1 << 16, 32));
        ByteBuf all = Unpooled.buffer();
        for (Row row : ROWS) {
            all.writeBytes(row.bytes());
        }
        channel.writeInbound(all);
        for (Row row : ROWS) {
            LegacyMessage decoded = channel.readInbound();
            assertThat(decoded.sameAs(row.message())).as(row.id()).isTrue();
        }
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void theNotationParserRefusesWhatItDoesNotKnow() {
        assertThatThrownBy(() -> LegacyVectors.parseValue("1.5"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LegacyVectors.parseMessage("MESSAGE flag=RUN(1)"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
