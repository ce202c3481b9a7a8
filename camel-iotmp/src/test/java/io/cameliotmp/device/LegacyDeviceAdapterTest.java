package io.cameliotmp.device;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.legacy.LegacyMessage;
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
        LegacyDeviceAdapter adapter = new LegacyDeviceAdapter(Duration.ofSeconds(10), clock::get);
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
}
