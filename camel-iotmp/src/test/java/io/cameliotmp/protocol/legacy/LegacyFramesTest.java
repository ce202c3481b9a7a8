package io.cameliotmp.protocol.legacy;

import java.time.Duration;
import java.util.List;

import io.cameliotmp.protocol.IotmpFrameTooLargeException;
import io.cameliotmp.protocol.PartialFrameBudget;
import io.cameliotmp.testing.Hex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The decoder rules of the legacy body beyond the vectors, and the codec's bounds. */
class LegacyFramesTest {

    private static LegacyMessage decode(String hex) {
        byte[] frame = Hex.bytes(hex);
        ByteBuf buf = Unpooled.wrappedBuffer(frame);
        // header: 01 <one-byte size> for these short frames
        return LegacyFrames.decodeBody(buf, 2, frame.length, 32, Long.MAX_VALUE);
    }

    @Test
    void fieldsAreAcceptedInAnyOrder() {
        // L08 with the payload before the resource and the stream id last
        LegacyMessage m = decode("01 0C 36 30 26 72 05 4A 03 6C 65 64 08 03");
        assertThat(m.streamId()).isEqualTo(3);
        assertThat(m.flag()).isEqualTo(SignalFlag.RUN);
        assertThat(m.path()).containsExactly("led");
        assertThat(m.payload()).isEqualTo(false);
    }

    @Test
    void unknownVarintFixedAndLengthDelimitedFieldsAreSkipped() {
        // field 5 varint 7, field 7 bytes "ab", field 8 fixed32, field 9 fixed64, then the resource
        LegacyMessage m = decode("01 1C 28 07 3A 02 61 62 45 01 02 03 04 49 01 02 03 04 05 06 07 08"
                                 + " 26 72 05 4A 03 6C 65 64");
        assertThat(m.path()).containsExactly("led");
    }

    @Test
    void aPsonValueInAnUnknownFieldIsMalformed() {
        // field 5 with wire type 6: a device would lose the rest of the body
        assertThatThrownBy(() -> decode("01 06 2E 4A 01 78 08 01"))
                .hasMessageContaining("unknown field 5");
    }

    @Test
    void wireTypesThatCannotBeSkippedAreMalformed() {
        assertThatThrownBy(() -> decode("01 02 0B 00")).hasMessageContaining("wire type 3");
        assertThatThrownBy(() -> decode("01 02 0F 00")).hasMessageContaining("wire type 7");
    }

    @Test
    void streamIdsAreTruncatedToSixteenBitsAsOnTheDevices() {
        // 70000 = F0 A2 04
        assertThat(decode("01 03 08 F0 A2 04").streamId()).isEqualTo(4464);
    }

    @Test
    void anEmptyMessageIsARunWithoutAnything() {
        LegacyMessage m = decode("01 00");
        assertThat(m.flag()).isEqualTo(SignalFlag.RUN);
        assertThat(m.hasStreamId()).isFalse();
        assertThat(m.resource()).isNull();
    }

    @Test
    void unknownSignalFlagsAreMalformed() {
        assertThatThrownBy(() -> decode("01 02 10 0D")).hasMessageContaining("unknown signal flag 13");
    }

    @Test
    void aStringResourceIsNotAPath() {
        // L45: the device treats it as an empty path; the message keeps the string, path() refuses it
        LegacyMessage m = decode("01 0A 08 0E 26 4A 03 6C 65 64 36 30");
        assertThat(m.resource()).isEqualTo("led");
        assertThat(m.path()).isNull();
        assertThat(decode("01 0B 08 01 26 72 06 4A 01 61 08 AC 02").path()).isNull();
    }

    @Test
    void theEncoderRefusesStreamIdsBeyondSixteenBits() {
        assertThatThrownBy(() -> LegacyMessage.of(SignalFlag.RUN, 70000, List.of("a"), null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMalformedBodyIsConsumedAndTheNextFrameStillDecodes() {
        EmbeddedChannel channel = new EmbeddedChannel(new LegacyFrameCodec(1024, 32));
        channel.writeInbound(Unpooled.wrappedBuffer(Hex.bytes("01 02 10 0D 02 00")));
        assertThat((Object) channel.readInbound()).isInstanceOf(MalformedLegacyFrame.class);
        assertThat((Object) channel.readInbound()).isEqualTo(LegacyMessage.KEEP_ALIVE);
        channel.finishAndReleaseAll();
    }

    /** Only an OK or ERROR whose id came before the fault names the request it answers (a PSON value in field 5). */
    @Test
    void aMalformedAnswerNamesItsStreamAndNothingElseDoes() {
        assertThat(malformed("01 08 08 07 10 01 2E 4A 01 78").answeredStream()).isEqualTo(7);
        assertThat(malformed("01 08 08 07 10 02 2E 4A 01 78").answeredStream()).isEqualTo(7);
        assertThat(malformed("01 08 08 07 10 07 2E 4A 01 78").answeredStream()).as("a sample").isZero();
        assertThat(malformed("01 06 08 07 2E 4A 01 78").answeredStream()).as("a run").isZero();
        assertThat(malformed("01 08 2E 4A 01 78 08 07 10 01").answeredStream()).as("the id after the fault")
                .isZero();
    }

    private static MalformedLegacyFrame malformed(String hex) {
        EmbeddedChannel channel = new EmbeddedChannel(new LegacyFrameCodec(1024, 32));
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(Hex.bytes(hex)));
            return channel.readInbound();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void otherFrameTypesAreSkipped() {
        EmbeddedChannel channel = new EmbeddedChannel(new LegacyFrameCodec(1024, 32));
        channel.writeInbound(Unpooled.wrappedBuffer(Hex.bytes("07 02 AA BB 02 00")));
        assertThat((Object) channel.readInbound()).isEqualTo(LegacyMessage.KEEP_ALIVE);
        assertThat((Object) channel.readInbound()).isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void beforeLoginOnlySmallFramesAreAcceptedAndTheLimitRisesAfterwards() {
        LegacyFrameCodec codec = new LegacyFrameCodec(64, 4096, 32, Long.MAX_VALUE, null,
                PartialFrameBudget.UNLIMITED);
        assertThat(codec.frameLimit()).isEqualTo(64);
        codec.authenticated();
        assertThat(codec.frameLimit()).isEqualTo(4096);
        EmbeddedChannel channel = new EmbeddedChannel(new LegacyFrameCodec(64, 4096, 32, Long.MAX_VALUE, null,
                PartialFrameBudget.UNLIMITED));
        // announces 300 bytes: refused at the header, nothing awaited
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(Hex.bytes("01 AC 02"))))
                .hasCauseInstanceOf(IotmpFrameTooLargeException.class);
        // after a fatal error everything is discarded
        channel.writeInbound(Unpooled.wrappedBuffer(Hex.bytes("02 00")));
        assertThat((Object) channel.readInbound()).isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void aPartialFrameReservesItsLengthFromTheSharedBudgetAndGivesItBack() {
        PartialFrameBudget budget = new PartialFrameBudget(20);
        LegacyFrameCodec first = new LegacyFrameCodec(1024, 1024, 32, Long.MAX_VALUE, Duration.ofMinutes(5), budget);
        EmbeddedChannel a = new EmbeddedChannel(first);
        a.writeInbound(Unpooled.wrappedBuffer(Hex.bytes("01 0C 08 03")));
        assertThat(first.reservedBytes()).isEqualTo(14);
        assertThat(budget.reserved()).isEqualTo(14);
        EmbeddedChannel b = new EmbeddedChannel(new LegacyFrameCodec(1024, 1024, 32, Long.MAX_VALUE, null, budget));
        assertThatThrownBy(() -> b.writeInbound(Unpooled.wrappedBuffer(Hex.bytes("01 0C 08 03"))))
                .hasMessageContaining("no room for a partial frame");
        a.writeInbound(Unpooled.wrappedBuffer(Hex.bytes("26 72 05 4A 03 6C 65 64 36 30")));
        LegacyMessage m = a.readInbound();
        assertThat(m.path()).containsExactly("led");
        assertThat(budget.reserved()).isZero();
        a.finishAndReleaseAll();
        b.finishAndReleaseAll();
    }

    @Test
    void theDecodedHeapOfOneBodyIsBounded() {
        // a map of 10 empty maps: a few bytes on the wire, hundreds of bytes of heap
        StringBuilder hex = new StringBuilder("36 6A 28");
        for (int i = 0; i < 10; i++) {
            hex.append(" 01 ").append(Integer.toHexString(0x61 + i).toUpperCase()).append(" 6A 00");
        }
        byte[] body = Hex.bytes(hex.toString());
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        assertThatThrownBy(() -> LegacyFrames.decodeBody(buf, 0, body.length, 32, 200))
                .hasMessageContaining("memory");
        assertThatThrownBy(() -> LegacyFrames.decodeBody(Unpooled.wrappedBuffer(Hex.bytes("36 72 02 72 00")), 0, 5,
                1, Long.MAX_VALUE)).hasMessageContaining("nested too deeply");
    }
}
