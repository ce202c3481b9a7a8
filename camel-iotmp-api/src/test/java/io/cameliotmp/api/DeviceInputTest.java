package io.cameliotmp.api;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeviceInputTest {

    /** The sends started, each with the future the test completes. */
    private final List<byte[]> sent = new ArrayList<>();
    private final List<CompletableFuture<Void>> sends = new ArrayList<>();
    private final AtomicReference<Throwable> failed = new AtomicReference<>();
    private final AtomicInteger failures = new AtomicInteger();

    private DeviceInput input(int maxEarly, int maxPending, int maxChunk) {
        return new DeviceInput(maxEarly, maxPending, maxChunk, bytes -> {
            sent.add(bytes);
            CompletableFuture<Void> send = new CompletableFuture<>();
            sends.add(send);
            return send;
        }, failure -> {
            failed.set(failure);
            failures.incrementAndGet();
        });
    }

    @Test
    void messagesThatComeWhileASendIsInFlightGoInTheNextSendInOrder() {
        DeviceInput input = input(64, 1024 * 1024, 8192);
        input.start();
        assertThat(input.offer(new byte[] {0})).isTrue();
        assertThat(sent).hasSize(1);
        for (int i = 1; i <= 1000; i++) {
            assertThat(input.offer(new byte[] {(byte) i})).isTrue();
        }
        // a flood of one-byte messages: still the one send, the rest waits merged
        assertThat(sent).hasSize(1);
        assertThat(input.waitingBytes()).isEqualTo(1000);

        sends.get(0).complete(null);
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1)).hasSize(1000);
        for (int i = 1; i <= 1000; i++) {
            assertThat(sent.get(1)[i - 1]).isEqualTo((byte) i);
        }
        sends.get(1).complete(null);
        assertThat(sent).hasSize(2);
        assertThat(input.waitingBytes()).isZero();
    }

    @Test
    void whatWaitsGoesInSendsOfAtMostTheChunkOneAfterTheOther() {
        DeviceInput input = input(64, 1024 * 1024, 100);
        input.start();
        input.offer(new byte[] {-1});
        ByteArrayOutputStream offered = new ByteArrayOutputStream();
        for (int i = 0; i < 70; i++) {
            byte[] message = new byte[i % 7 == 0 ? 150 : 3];
            for (int b = 0; b < message.length; b++) {
                message[b] = (byte) (i + b);
            }
            offered.writeBytes(message);
            input.offer(message);
        }
        // each completion starts the next send
        for (int completed = 0; completed < sends.size(); completed++) {
            sends.get(completed).complete(null);
        }
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        for (byte[] send : sent.subList(1, sent.size())) {
            assertThat(send.length).isLessThanOrEqualTo(100);
            received.writeBytes(send);
        }
        assertThat(received.toByteArray()).isEqualTo(offered.toByteArray());
        // full chunks but the last
        for (int i = 1; i < sent.size() - 1; i++) {
            assertThat(sent.get(i)).hasSize(100);
        }
    }

    @Test
    void beforeStartNothingIsSentAndTheEarlyBoundHolds() {
        DeviceInput input = input(10, 1000, 8192);
        assertThat(input.offer(new byte[6])).isTrue();
        assertThat(input.offer(new byte[4])).isTrue();
        assertThat(sent).isEmpty();
        assertThat(input.started()).isFalse();
        input.start();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0)).hasSize(10);

        DeviceInput tooMuch = input(10, 1000, 8192);
        assertThat(tooMuch.offer(new byte[6])).isTrue();
        assertThat(tooMuch.offer(new byte[5])).isFalse();
        tooMuch.start();
        assertThat(sent).as("nothing of an input that ended").hasSize(1);
    }

    @Test
    void beyondThePendingBoundAnOfferIsRefusedOnceAndTheInputEnds() {
        DeviceInput input = input(0, 1000, 8192);
        input.start();
        assertThat(input.offer(new byte[10])).isTrue();
        // the send in flight does not count; exactly the bound may wait
        assertThat(input.offer(new byte[600])).isTrue();
        assertThat(input.offer(new byte[400])).isTrue();
        assertThat(input.waitingBytes()).isEqualTo(1000);
        // empty messages cost nothing
        for (int i = 0; i < 10_000; i++) {
            assertThat(input.offer(new byte[0])).isTrue();
        }
        assertThat(input.waitingBytes()).isEqualTo(1000);

        assertThat(input.offer(new byte[1])).as("a byte beyond the bound").isFalse();
        assertThat(input.waitingBytes()).isZero();
        assertThat(input.offer(new byte[1])).as("refused once: the input has ended").isTrue();
        sends.get(0).complete(null);
        assertThat(sent).as("nothing sent after the end").hasSize(1);
        assertThat(input.waitingBytes()).isZero();
    }

    @Test
    void aFailedSendEndsTheInputOnce() {
        DeviceInput input = input(0, 1000, 8192);
        input.start();
        input.offer(new byte[] {1});
        input.offer(new byte[] {2});
        IllegalStateException gone = new IllegalStateException("gone");
        sends.get(0).completeExceptionally(gone);
        assertThat(failed.get()).isSameAs(gone);
        assertThat(input.waitingBytes()).isZero();
        input.offer(new byte[] {3});
        assertThat(sent).hasSize(1);
        assertThat(failures).hasValue(1);
    }

    @Test
    void sendsThatCompleteAtOnceDoNotGrowTheStack() {
        List<Integer> sizes = new ArrayList<>();
        AtomicReference<DeviceInput> self = new AtomicReference<>();
        AtomicInteger depth = new AtomicInteger();
        AtomicInteger deepest = new AtomicInteger();
        DeviceInput input = new DeviceInput(0, 1 << 20, 1, bytes -> {
            deepest.accumulateAndGet(depth.incrementAndGet(), Math::max);
            sizes.add(bytes.length);
            // a device that takes at once, while the client keeps sending from the completion's thread
            if (sizes.size() < 100_000) {
                self.get().offer(new byte[] {1});
            }
            depth.decrementAndGet();
            return CompletableFuture.completedFuture(null);
        }, failure -> failed.set(failure));
        self.set(input);
        input.start();
        input.offer(new byte[] {1});
        assertThat(sizes).hasSize(100_000);
        assertThat(deepest).hasValue(1);
        assertThat(failed.get()).isNull();
    }
}
