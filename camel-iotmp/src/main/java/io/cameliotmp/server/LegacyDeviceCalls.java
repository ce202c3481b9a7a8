package io.cameliotmp.server;

import java.util.HashMap;
import java.util.Map;

import io.cameliotmp.protocol.legacy.LegacyFrames;

/**
 * The calls of a legacy device that wait for the server's answer, for its {@link LegacyAdapter}: each under an id of
 * the adapter's choosing, which the session knows it by, with the legacy id its answer goes back under. The session
 * holds a delivery for each until it answers, so there are at most {@code maxInFlight} of them. I/O thread only.
 */
final class LegacyDeviceCalls {

    /** A call: the id to answer with (0 = none), and whether the answer carries a value. */
    record Call(int legacyId, boolean withPayload) {
    }

    private final Map<Integer, Call> byServerId = new HashMap<>();

    /**
     * A new call, under an id the session knows it by. Not the device's own: a device's id may be the one a pending
     * GET_PROPERTY of its own travels under, whose answer would then be lost.
     */
    int add(int legacyId, boolean withPayload) {
        for (int id = LegacyFrames.MAX_STREAM_ID; id > 0; id--) {
            if (!byServerId.containsKey(id)) {
                byServerId.put(id, new Call(legacyId, withPayload));
                return id;
            }
        }
        throw new IllegalStateException("every id is taken by a call of the device");
    }

    /** The call the session answers under {@code serverId}, no longer waiting; null if none waits under it. */
    Call answered(int serverId) {
        return byServerId.remove(serverId);
    }

    /** Whether a call waits for its answer under {@code legacyId}. */
    boolean awaitsAnswer(int legacyId) {
        for (Call call : byServerId.values()) {
            if (call.legacyId() == legacyId) {
                return true;
            }
        }
        return false;
    }

    int size() {
        return byServerId.size();
    }
}
