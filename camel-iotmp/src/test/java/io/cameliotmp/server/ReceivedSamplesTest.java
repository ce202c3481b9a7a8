package io.cameliotmp.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReceivedSamplesTest {

    private static ConnectionCounters counted(long samples) {
        ConnectionCounters counters = new ConnectionCounters();
        for (long i = 0; i < samples; i++) {
            counters.countHandled(ConnectionCounters.SAMPLES_IN);
        }
        return counters;
    }

    @Test
    void theTotalIsWhatConnectedAndEndedConnectionsCounted() {
        ReceivedSamples received = new ReceivedSamples();
        ConnectionCounters first = new ConnectionCounters();
        ConnectionCounters second = new ConnectionCounters();
        received.started(first);
        received.started(second);
        assertThat(received.total()).isZero();
        first.countHandled(ConnectionCounters.SAMPLES_IN);
        first.countHandled(ConnectionCounters.SAMPLES_IN);
        second.countHandled(ConnectionCounters.SAMPLES_IN);
        assertThat(received.total()).as("read from the connections as they count").isEqualTo(3);
        received.ended(first);
        assertThat(received.total()).as("an ended connection's samples stay counted").isEqualTo(3);
        received.ended(first);
        assertThat(received.total()).as("ending twice counts once").isEqualTo(3);
        second.countHandled(ConnectionCounters.SAMPLES_IN);
        received.ended(second);
        assertThat(received.total()).isEqualTo(4);
    }

    @Test
    void aConnectionThatNeverStartedIsNotCounted() {
        ReceivedSamples received = new ReceivedSamples();
        received.ended(counted(5));
        assertThat(received.total()).isZero();
    }

    /** Connections end while the total is read: a total never drops one of them nor counts it twice. */
    @Test
    void totalsReadWhileConnectionsEndNeverGoDown() throws Exception {
        ReceivedSamples received = new ReceivedSamples();
        List<ConnectionCounters> connections = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            ConnectionCounters counters = counted(1 + i % 7);
            connections.add(counters);
            received.started(counters);
        }
        long expected = received.total();
        AtomicLong wentDown = new AtomicLong();
        Thread ending = new Thread(() -> connections.forEach(received::ended));
        ending.start();
        long last = 0;
        while (ending.isAlive()) {
            long total = received.total();
            if (total != expected || total < last) {
                wentDown.incrementAndGet();
            }
            last = total;
        }
        ending.join();
        assertThat(wentDown).as("totals that differed from the samples counted").hasValue(0);
        assertThat(received.total()).isEqualTo(expected);
    }
}
