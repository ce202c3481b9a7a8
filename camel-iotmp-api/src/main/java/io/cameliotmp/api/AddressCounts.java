package io.cameliotmp.api;

import java.util.HashMap;
import java.util.Map;

/**
 * How many places each client address holds, keyed as {@link io.cameliotmp.api.access.AuthFailureLimiter#key} keys
 * them; an address is kept only while it holds a place, so this holds no more entries than places are held. Not
 * thread-safe: its owner ({@link ConnectionsPerAddress}, {@link AddressSlots}) guards it with its own lock.
 */
final class AddressCounts {

    private final Map<String, Integer> held = new HashMap<>();

    /** Takes a place for {@code key}; false when it holds {@code max} already. */
    boolean take(String key, int max) {
        int count = held.getOrDefault(key, 0);
        if (count >= max) {
            return false;
        }
        held.put(key, count + 1);
        return true;
    }

    /** Gives back a place of {@code key}; the address is forgotten with its last one. */
    void give(String key) {
        held.computeIfPresent(key, (address, count) -> count > 1 ? count - 1 : null);
    }

    /** Places {@code key} holds now. */
    int heldBy(String key) {
        return held.getOrDefault(key, 0);
    }

    /** Addresses holding a place now. */
    int addresses() {
        return held.size();
    }
}
