package io.cameliotmp.device;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.protocol.IotmpDecodeException;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MalformedFrame;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.legacy.LegacyMessage;
import io.cameliotmp.protocol.legacy.MalformedLegacyFrame;
import io.cameliotmp.protocol.legacy.SignalFlag;
import io.cameliotmp.protocol.session.ServiceCode;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the legacy adapter holds for a server that does not answer. */
class LegacyDeviceAdapterTest {

    /**
     * Every call of the device with an id was remembered until the server answered it: a server that never answers
     * made the adapter hold one entry per call for as long as the connection lasted. Now it holds those of one
     * request timeout, as the connection's request tracker does.
     */
    @Test
    void forgetsTheCallsOfAServerThatNeverAnswersOnceTheDeviceStoppedWaiting() {
        AtomicLong clock = new AtomicLong();
        LegacyDeviceAdapter adapter = new LegacyDeviceAdapter(Duration.ofSeconds(10), clock::get, path -> true);
        EmbeddedChannel channel = new EmbeddedChannel(adapter);
        try {
            for (int id = 1; id <= 1000; id++) {
                channel.writeOutbound(IotmpMessage.run(id, ServiceCode.WRITE_BUCKET.wireCode(), "temps", id));
                clock.addAndGet(Duration.ofSeconds(1).toNanos());
            }

            assertThat(adapter.deviceCallsWaiting()).as("the calls of the last 10 s").isEqualTo(10);
            channel.writeInbound(LegacyMessage.of(SignalFlag.REQUEST_OK, 1000, null, null));
            IotmpMessage answer = channel.readInbound();
            assertThat(answer.type()).as("an answer in time still reaches its call").isEqualTo(MessageType.OK);
            assertThat(answer.streamId()).isEqualTo(1000);
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /**
     * A server's answer to one of the device's calls that names the call before its body goes wrong fails that call
     * at once, as an IOTMP server's malformed answer does; it was passed on naming no request, and the call waited out
     * the device's request timeout. A malformed frame that answers no call of the device still names none.
     */
    @Test
    void aMalformedAnswerToACallOfTheDeviceNamesThatCall() {
        LegacyDeviceAdapter adapter = new LegacyDeviceAdapter(Duration.ofSeconds(10), path -> true);
        EmbeddedChannel channel = new EmbeddedChannel(adapter);
        try {
            channel.writeOutbound(IotmpMessage.run(7, ServiceCode.WRITE_BUCKET.wireCode(), "temps", 1));
            channel.releaseOutbound();

            channel.writeInbound(new MalformedLegacyFrame(new IotmpDecodeException("too deep", 3).inStream(7)));
            MalformedFrame answer = channel.readInbound();
            assertThat(answer.answeredStream()).isEqualTo(7);
            assertThat(adapter.deviceCallsWaiting()).isZero();

            channel.writeInbound(new MalformedLegacyFrame(new IotmpDecodeException("too deep", 3).inStream(8)));
            MalformedFrame unasked = channel.readInbound();
            assertThat(unasked.answeredStream()).as("no call of the device has id 8").isZero();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /**
     * Only one GET_PROPERTY is on the wire, since its answer names no read; a server that never answers it must not
     * hold the others back for longer than the device waits for it. Reads held past their own deadline, which the
     * connection has failed meanwhile, are never sent.
     */
    @Test
    void aPropertyReadTheServerNeverAnswersHoldsTheNextOnlyUntilTheDeviceStopsWaiting() {
        AtomicLong clock = new AtomicLong();
        LegacyDeviceAdapter adapter = new LegacyDeviceAdapter(Duration.ofSeconds(10), clock::get, path -> true);
        EmbeddedChannel channel = new EmbeddedChannel(adapter);
        channel.freezeTime();
        try {
            channel.writeOutbound(readProperty(1, "unanswered"));
            clock.addAndGet(Duration.ofSeconds(5).toNanos());
            channel.advanceTimeBy(5, TimeUnit.SECONDS);
            channel.writeOutbound(readProperty(2, "given up while held"));
            channel.writeOutbound(readProperty(3, "answered"));
            assertThat(property(channel.readOutbound())).isEqualTo("unanswered");
            assertThat((Object) channel.readOutbound()).as("held behind the read on the wire").isNull();
            assertThat(adapter.propertyReadsHeld()).isEqualTo(2);

            // the first read's deadline: read 2 asked 5 s later still has 5 s, so it goes out now
            clock.addAndGet(Duration.ofSeconds(5).toNanos());
            channel.advanceTimeBy(5, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
            assertThat(property(channel.readOutbound())).isEqualTo("given up while held");

            // read 2's deadline passes too; read 3, held as long, is given up, never sent
            clock.addAndGet(Duration.ofSeconds(10).toNanos());
            channel.advanceTimeBy(10, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
            assertThat((Object) channel.readOutbound()).isNull();
            assertThat(adapter.propertyReadsHeld()).isZero();

            channel.writeOutbound(readProperty(4, "after"));
            assertThat(property(channel.readOutbound())).isEqualTo("after");
            channel.writeInbound(LegacyMessage.ok(0, "its value"));
            IotmpMessage answer = channel.readInbound();
            assertThat(answer.streamId()).isEqualTo(4);
            assertThat(answer.payload()).isEqualTo("its value");
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static IotmpMessage readProperty(int id, String property) {
        return IotmpMessage.run(id, ServiceCode.READ_DEVICE_PROPERTY.wireCode(), property, null);
    }

    private static Object property(Object written) {
        LegacyMessage message = (LegacyMessage) written;
        assertThat(message.flag()).isEqualTo(SignalFlag.GET_PROPERTY);
        assertThat(message.streamId()).isZero();
        return message.identifier();
    }
}
