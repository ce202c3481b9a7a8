package io.cameliotmp.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The places of a capped kind: one user holds at most its share of the cap, so another user still gets a place; each
 * place is given back once; a user's count goes with its last place.
 */
class UserSlotsTest {

    @Test
    void aUserHoldsItsShareAndAnotherStillGetsAPlace() throws Exception {
        UserSlots slots = new UserSlots(UserSlots.Kind.DOWNLOADS, 4, 0.5);
        UserSlots.Slot first = slots.acquire("alice");
        slots.acquire("alice");

        assertThatThrownBy(() -> slots.acquire("alice")).isInstanceOfSatisfying(UserSlots.Refused.class, refused -> {
            assertThat(refused.bound()).isEqualTo(UserSlots.Bound.USER_SHARE);
            assertThat(refused.getMessage()).contains("alice", "camel.iotmp.api.max-downloads",
                    "camel.iotmp.api.max-share-per-user");
        });
        assertThat(slots.refusedByShare()).isEqualTo(1);
        assertThat(slots.heldBy("alice")).isEqualTo(2);

        slots.acquire("bob");
        slots.acquire("bob");
        assertThat(slots.held()).isEqualTo(4);
        // every place held: the cap refuses, whoever asks, and it is not the share's refusal
        assertThatThrownBy(() -> slots.acquire("carol")).isInstanceOfSatisfying(UserSlots.Refused.class, refused -> {
            assertThat(refused.bound()).isEqualTo(UserSlots.Bound.TOTAL);
            assertThat(refused.getMessage()).contains("4 downloads are running", "camel.iotmp.api.max-downloads");
        });
        assertThat(slots.refusedByShare()).isEqualTo(1);

        // a place given back is alice's again
        first.release();
        assertThat(slots.heldBy("alice")).isEqualTo(1);
        slots.acquire("alice");
        assertThat(slots.heldBy("alice")).isEqualTo(2);
    }

    /**
     * The kinds that open device streams share one rate per user: a user that opened its minute's worth of sessions
     * and streams is refused the next (429), holding few of them; a refusal by the share spends none of the rate.
     */
    @Test
    void aUserOpeningTooFastIsRefusedByItsRateAcrossTheKinds() throws Exception {
        OpenRate opens = new OpenRate(3, () -> 0L); // a clock that stands still: nothing is earned back
        UserSlots sessions = new UserSlots(UserSlots.Kind.SESSIONS, 2, 0.5, null, opens);
        UserSlots streams = new UserSlots(UserSlots.Kind.WEBSOCKET_STREAMS, 64, 1, null, opens);
        sessions.acquire("alice").release();
        UserSlots.Slot held = sessions.acquire("alice");
        // alice holds her share of the sessions: refused by it, which spends nothing of her rate
        assertThatThrownBy(() -> sessions.acquire("alice")).isInstanceOfSatisfying(UserSlots.Refused.class,
                refused -> assertThat(refused.bound()).isEqualTo(UserSlots.Bound.USER_SHARE));
        streams.acquire("alice").release();

        assertThatThrownBy(() -> streams.acquire("alice")).isInstanceOfSatisfying(UserSlots.Refused.class, refused -> {
            assertThat(refused.bound()).isEqualTo(UserSlots.Bound.RATE);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.getMessage()).contains("alice", "camel.iotmp.api.max-opens-per-user-per-minute");
        });
        held.release();
        assertThatThrownBy(() -> sessions.acquire("alice")).isInstanceOfSatisfying(UserSlots.Refused.class,
                refused -> assertThat(refused.bound()).isEqualTo(UserSlots.Bound.RATE));
        assertThat(opens.refused()).isEqualTo(2);
        assertThat(sessions.held()).as("a refused opening takes no place").isZero();
        assertThat(streams.held()).isZero();
        // another user has a rate of its own
        sessions.acquire("bob");
    }

    @Test
    void aPlaceIsGivenBackOnceAndAUserLeavesNoCountBehind() throws Exception {
        UserSlots slots = new UserSlots(UserSlots.Kind.SESSIONS, 2, 0.5);
        UserSlots.Slot slot = slots.acquire("alice");
        assertThat(slots.users()).isEqualTo(1);

        assertThat(slot.release()).isTrue();
        assertThat(slot.release()).isFalse();
        assertThat(slot.release()).isFalse();

        assertThat(slots.held()).isZero();
        assertThat(slots.users()).as("no count kept for a user holding nothing").isZero();
        // a second release did not free a place someone else holds
        slots.acquire("bob");
        UserSlots.Slot bobs = slots.acquire("carol");
        slot.release();
        assertThat(slots.held()).isEqualTo(2);
        assertThatThrownBy(() -> slots.acquire("dave")).isInstanceOf(UserSlots.Refused.class);
        bobs.release();
        assertThat(slots.users()).isEqualTo(1);
    }

    @Test
    void manyUsersLeaveAnEmptyTable() throws Exception {
        UserSlots slots = new UserSlots(UserSlots.Kind.EVENT_STREAMS, 64, 0.5);
        List<UserSlots.Slot> held = new ArrayList<>();
        for (int round = 0; round < 10; round++) {
            for (int user = 0; user < 64; user++) {
                held.add(slots.acquire("user-" + round + "-" + user));
            }
            assertThat(slots.users()).isEqualTo(64);
            assertThatThrownBy(() -> slots.acquire("one-more")).isInstanceOf(UserSlots.Refused.class);
            held.forEach(UserSlots.Slot::release);
            held.clear();
            assertThat(slots.users()).isZero();
        }
    }

    @Test
    void aUsersLimitIsTheShareRoundedUpAtLeastOne() {
        assertThat(UserSlots.perUser(64, 0.5)).isEqualTo(32);
        assertThat(UserSlots.perUser(4, 0.5)).isEqualTo(2);
        assertThat(UserSlots.perUser(2, 0.5)).isEqualTo(1);
        assertThat(UserSlots.perUser(3, 0.5)).isEqualTo(2);
        assertThat(UserSlots.perUser(1, 0.5)).isEqualTo(1);
        assertThat(UserSlots.perUser(2, 0.01)).isEqualTo(1);
        assertThat(UserSlots.perUser(10, 0.7)).isEqualTo(7);
        assertThat(UserSlots.perUser(100, 0.57)).isEqualTo(57);
        assertThat(UserSlots.perUser(64, 1.0)).isEqualTo(64);
        assertThatThrownBy(() -> new UserSlots(UserSlots.Kind.UPLOADS, 4, 0)).isInstanceOf(
                IllegalArgumentException.class);
        assertThatThrownBy(() -> new UserSlots(UserSlots.Kind.UPLOADS, 4, 1.5)).isInstanceOf(
                IllegalArgumentException.class);
        assertThatThrownBy(() -> new UserSlots(UserSlots.Kind.UPLOADS, 4, Double.NaN)).isInstanceOf(
                IllegalArgumentException.class);
    }

    @Test
    void concurrentAcquiresAndReleasesKeepBothBounds() throws Exception {
        UserSlots slots = new UserSlots(UserSlots.Kind.SSE_STREAMS, 8, 0.5);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            int[] most = new int[2];
            for (int t = 0; t < 8; t++) {
                String user = t % 2 == 0 ? "alice" : "bob";
                done.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < 2000; i++) {
                        // each thread takes up to three places: four threads of a user want more than its share
                        List<UserSlots.Slot> mine = new ArrayList<>();
                        try {
                            for (int p = 0; p < 3; p++) {
                                mine.add(slots.acquire(user));
                                synchronized (most) {
                                    most[0] = Math.max(most[0], slots.held());
                                    most[1] = Math.max(most[1], slots.heldBy(user));
                                }
                            }
                        } catch (UserSlots.Refused refused) {
                            // the other threads hold the places: give back and try again
                        }
                        mine.forEach(UserSlots.Slot::release);
                        mine.forEach(UserSlots.Slot::release);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
            assertThat(most[0]).isLessThanOrEqualTo(8);
            assertThat(most[1]).isLessThanOrEqualTo(4);
            assertThat(slots.held()).isZero();
            assertThat(slots.users()).isZero();
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * The long-lived kinds share one bound per client address, whatever the user: one client with the tokens of
     * several users holds no more; an IPv6 address counts by its /64; a place given back frees the address's too.
     */
    @Test
    void anAddressHoldsItsBoundOfAllLongLivedKindsTogether() throws Exception {
        AddressSlots perAddress = new AddressSlots(3);
        UserSlots sessions = new UserSlots(UserSlots.Kind.SESSIONS, 64, 1, perAddress);
        UserSlots streams = new UserSlots(UserSlots.Kind.WEBSOCKET_STREAMS, 64, 1, perAddress);
        UserSlots.Slot first = sessions.acquire("alice", "2001:db8::1");
        sessions.acquire("bob", "2001:db8::2");
        streams.acquire("carol", "2001:db8::3");

        assertThatThrownBy(() -> streams.acquire("dave", "2001:db8:0:0:ffff::4"))
                .isInstanceOfSatisfying(UserSlots.Refused.class, refused -> {
                    assertThat(refused.bound()).isEqualTo(UserSlots.Bound.ADDRESS);
                    assertThat(refused.getMessage()).contains("camel.iotmp.api.max-streams-per-address");
                });
        assertThat(streams.refusedByAddress()).isEqualTo(1);
        assertThat(streams.held()).as("a refused place is not held").isEqualTo(1);
        streams.acquire("dave", "2001:db8:0:1::4"); // another /64
        streams.acquire("dave", null); // no address known: not counted by address

        assertThat(first.release()).isTrue();
        sessions.acquire("erin", "2001:db8::5");
        assertThat(perAddress.trackedAddresses()).isEqualTo(2);
        assertThat(perAddress.heldBy("2001:db8::ffff")).isEqualTo(3);
    }

    @Test
    void noAddressBoundWithZero() throws Exception {
        UserSlots slots = new UserSlots(UserSlots.Kind.SSE_STREAMS, 8, 1, new AddressSlots(0));
        for (int i = 0; i < 8; i++) {
            slots.acquire("alice", "192.0.2.1");
        }
        assertThat(slots.refusedByAddress()).isZero();
        assertThatThrownBy(() -> new AddressSlots(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
