package io.cameliotmp.protocol.session;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.cameliotmp.protocol.IotmpMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The session core on its own: a manual scheduler stands in for time, so nothing here waits. */
class SessionCoreTest {

    /** Runs scheduled tasks only when told, on a clock of its own, so a test decides when time passes. */
    private static final class ManualScheduler implements Scheduler {
        final List<Runnable> due = new ArrayList<>();
        final List<Long> delays = new ArrayList<>();
        int cancelled;
        long now = 1_000_000_000L;

        @Override
        public Cancellable schedule(Runnable task, long delayMillis) {
            due.add(task);
            delays.add(delayMillis);
            return () -> {
                due.remove(task);
                cancelled++;
            };
        }

        @Override
        public long nanoTime() {
            return now;
        }

        /** Moves the clock on by {@code millis} and runs what was scheduled until then (not what that schedules). */
        void elapse(long millis) {
            now += millis * 1_000_000L;
            List<Runnable> running = List.copyOf(due);
            due.clear();
            running.forEach(Runnable::run);
        }

        void elapse() {
            elapse(3_600_000);
        }
    }

    private static class Recorded extends PendingRequest {
        final List<String> outcomes = new ArrayList<>();

        Recorded(int id) {
            super(id, RequestKind.RUN);
        }

        @Override
        protected void answered(IotmpMessage answer) {
            outcomes.add("answer " + answer.type());
        }

        @Override
        protected void expired() {
            outcomes.add("timeout");
        }

        @Override
        protected void failed(Throwable cause) {
            outcomes.add("failed " + cause.getMessage());
        }
    }

    @Test
    void eachRequestGetsExactlyOneOutcome() {
        ManualScheduler scheduler = new ManualScheduler();
        RequestTracker<Recorded> tracker = new RequestTracker<>(scheduler);
        Recorded answered = new Recorded(1);
        Recorded expired = new Recorded(2);
        Recorded failed = new Recorded(3);
        tracker.track(answered, 1000);
        tracker.track(expired, 1000);
        tracker.track(failed, 1000);
        assertThat(tracker.size()).isEqualTo(3);

        assertThat(scheduler.due).as("one timeout task for all three").hasSize(1);
        assertThat(tracker.answer(IotmpMessage.ok(1))).isSameAs(answered);
        assertThat(scheduler.cancelled).as("an answer calls nothing off").isZero();
        assertThat(tracker.answer(IotmpMessage.ok(1))).as("a duplicate answer").isNull();
        assertThat(tracker.answer(IotmpMessage.ok(9))).as("an unasked answer").isNull();
        assertThat(tracker.fail(3, new IllegalStateException("superseded"))).isTrue();
        scheduler.elapse();
        tracker.failAll(r -> new IllegalStateException("closed"));

        assertThat(answered.outcomes).containsExactly("answer OK");
        assertThat(expired.outcomes).containsExactly("timeout");
        assertThat(failed.outcomes).containsExactly("failed superseded");
        assertThat(tracker.size()).isZero();
    }

    @Test
    void closingFailsWhatIsStillPendingAndItsTimeoutNeverFires() {
        ManualScheduler scheduler = new ManualScheduler();
        RequestTracker<Recorded> tracker = new RequestTracker<>(scheduler);
        Recorded pending = new Recorded(7);
        tracker.track(pending, 1000);
        tracker.failAll(r -> new IllegalStateException("closed " + r.streamId()));
        scheduler.elapse();
        assertThat(pending.outcomes).containsExactly("failed closed 7");
    }

    @Test
    void oneTaskIsSetForTheEarliestDeadlineAndExpiresEachRequestWhenItsOwnIsDue() {
        ManualScheduler scheduler = new ManualScheduler();
        RequestTracker<Recorded> tracker = new RequestTracker<>(scheduler);
        Recorded slow = new Recorded(1);
        Recorded quick = new Recorded(2);
        Recorded middle = new Recorded(3);
        tracker.track(slow, 30_000);
        tracker.track(quick, 1_000);
        assertThat(scheduler.cancelled).as("an earlier deadline sets the task anew").isEqualTo(1);
        assertThat(scheduler.delays).containsExactly(30_000L, 1_000L);
        tracker.track(middle, 5_000);
        assertThat(scheduler.due).as("a later deadline leaves the task as it is").hasSize(1);

        scheduler.elapse(999);
        assertThat(quick.outcomes).as("a task that runs early expires nothing").isEmpty();
        assertThat(scheduler.delays).last().isEqualTo(1L);
        scheduler.elapse(1);
        assertThat(quick.outcomes).containsExactly("timeout");
        assertThat(tracker.size()).isEqualTo(2);
        assertThat(scheduler.delays).as("then the task is set for the next deadline").last().isEqualTo(4_000L);

        assertThat(tracker.answer(IotmpMessage.ok(3))).isSameAs(middle);
        scheduler.elapse(4_000);
        assertThat(middle.outcomes).containsExactly("answer OK");
        assertThat(scheduler.delays).last().isEqualTo(25_000L);
        scheduler.elapse(25_000);
        assertThat(slow.outcomes).containsExactly("timeout");
        assertThat(tracker.size()).isZero();
        assertThat(scheduler.due).as("nothing pending, nothing set").isEmpty();
    }

    @Test
    void aTaskCalledOffTooLateToStopItDoesNothingAndAnExpiryMayTrackAgain() {
        ManualScheduler scheduler = new ManualScheduler();
        RequestTracker<Recorded> tracker = new RequestTracker<>(scheduler);
        Recorded first = new Recorded(1);
        tracker.track(first, 10_000);
        Runnable stale = scheduler.due.get(0);
        Recorded again = new Recorded(2) {
            @Override
            protected void expired() {
                super.expired();
                tracker.track(new Recorded(3), 10_000); // e.g. a route that calls again from its timeout
            }
        };
        tracker.track(again, 1_000); // calls the first task off; as if it had already fired, run it anyway
        scheduler.now += 20_000_000_000L;
        stale.run();
        assertThat(first.outcomes).as("the stale task expires nothing").isEmpty();

        scheduler.elapse(0);
        assertThat(first.outcomes).containsExactly("timeout");
        assertThat(again.outcomes).containsExactly("timeout");
        assertThat(tracker.contains(3)).isTrue();
        assertThat(scheduler.due).as("one task, for the request tracked during the expiry").hasSize(1);
    }

    @Test
    void aTimeoutTooLongForTheClockIsCutAndNeverExpiresAtOnce() {
        ManualScheduler scheduler = new ManualScheduler();
        RequestTracker<Recorded> tracker = new RequestTracker<>(scheduler);
        Recorded forever = new Recorded(1);
        tracker.track(forever, Long.MAX_VALUE);
        scheduler.elapse();
        assertThat(forever.outcomes).isEmpty();
        assertThat(tracker.contains(1)).isTrue();
    }

    @Test
    void sequentialIdsSkipWhatIsInUseAndWrapAround() {
        StreamIds ids = StreamIds.sequential();
        Set<Integer> used = new HashSet<>(Set.of(2, 3));
        assertThat(ids.allocate(used::contains)).isEqualTo(1);
        assertThat(ids.allocate(used::contains)).isEqualTo(4);
        for (int i = 5; i <= StreamIds.MAX_ID; i++) {
            ids.allocate(id -> false);
        }
        assertThat(ids.allocate(id -> false)).as("after 65535 comes 1, never 0").isEqualTo(1);
        assertThatThrownBy(() -> ids.allocate(id -> true)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theSequentialStepForAnOwnerThatKeepsTheLastIdMatchesTheStrategy() {
        assertThat(StreamIds.afterSequential(0, id -> false)).isEqualTo(1);
        assertThat(StreamIds.afterSequential(1, id -> id == 2 || id == 3)).isEqualTo(4);
        assertThat(StreamIds.afterSequential(StreamIds.MAX_ID, id -> false)).isEqualTo(1);
        assertThat(StreamIds.afterSequential(StreamIds.MAX_ID - 1, id -> id == StreamIds.MAX_ID)).isEqualTo(1);
        assertThatThrownBy(() -> StreamIds.afterSequential(7, id -> true)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void randomIdsAreNeverZeroAndFallBackToAScanWhenTheGeneratorRepeatsItself() {
        StreamIds zeros = StreamIds.random(() -> 0x10000); // low 16 bits: always 0
        assertThat(zeros.allocate(id -> id < 5)).isEqualTo(5);
        StreamIds fixed = StreamIds.random(() -> 42);
        assertThat(fixed.allocate(id -> false)).isEqualTo(42);
        assertThat(fixed.allocate(id -> id == 42)).isEqualTo(1);
    }

    @Test
    void serviceCodesRoundTripAndUnknownCodesAreNull() {
        for (ServiceCode service : ServiceCode.values()) {
            assertThat(ServiceCode.ofCode(service.code())).isSameAs(service);
            assertThat(ServiceCode.ofUriName(service.uriName())).isSameAs(service);
        }
        assertThat(ServiceCode.ofCode(0)).isNull();
        assertThat(ServiceCode.ofCode(9)).isNull();
        assertThat(ServiceCode.ofCode(-1)).isNull();
        assertThatThrownBy(() -> ServiceCode.ofUriName("nope")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void streamParametersReadBothShapesAndWriteExtrasFirst() {
        assertThat(StreamParameters.intervalOf(Map.of("interval", 500L))).isEqualTo(500);
        assertThat(StreamParameters.intervalOf(250L)).as("a bare number, as IOTMP-Embedded takes it").isEqualTo(250);
        assertThat(StreamParameters.intervalOf(null)).isZero();
        assertThat(StreamParameters.intervalOf(Map.of("interval", -3L))).isZero();
        assertThat(StreamParameters.encode(0, null)).isNull();
        assertThat(StreamParameters.encode(1000, Map.of("cols", 80))).isEqualTo(Map.of("cols", 80, "interval", 1000L));
    }

    @Test
    void subscriptionsParseWhatTheyWrite() {
        List<EventSubscription> all = List.of(new EventSubscription.TopicSubscription("cmd/+"),
                new EventSubscription.TopicPublication("out", true),
                new EventSubscription.TopicPublication("out", false),
                new EventSubscription.PropertyUpdates("threshold", true),
                new EventSubscription.ServerEvent("firmware"));
        for (EventSubscription subscription : all) {
            assertThat(EventSubscription.parse(subscription.toParameters())).isEqualTo(subscription);
        }
        assertThatThrownBy(() -> EventSubscription.parse(Map.of())).hasMessageContaining("event name");
        assertThatThrownBy(() -> EventSubscription.parse(Map.of("event", EventSubscription.TOPIC_EVENT)))
                .hasMessageContaining("topic");
        assertThatThrownBy(() -> EventSubscription.parse(Map.of("event", EventSubscription.PROPERTY_EVENT)))
                .hasMessageContaining("filters.property");
    }

    @Test
    void failuresAreUnwrappedThroughEveryLayer() {
        IllegalStateException root = new IllegalStateException("root");
        assertThat(Answers.unwrap(new CompletionException(new ExecutionException(root)))).isSameAs(root);
        assertThat(Answers.messageOf(new CompletionException(new IllegalStateException())))
                .isEqualTo("IllegalStateException");
        assertThat(Answers.error(5, 404, "gone")).isEqualTo(IotmpMessage.error(5, 404, Map.of("error", "gone")));
    }
}
