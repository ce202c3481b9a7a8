package io.cameliotmp.test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntPredicate;

/**
 * Free TCP ports for tests that must name a port before anything listens on it: an application's server, or the
 * members of a cluster, each of which lists the others before the first one starts.
 * <p>
 * A port is free when nothing listens on it, on any address, when it is probed; between the probe and the bind another
 * socket may take it. The ports therefore come from ranges below the system's ephemeral ports (32768 and up on Linux),
 * which it hands out on its own to every outgoing connection meanwhile, and apart from IOTMP's default ports (25200 to
 * 25206). Within a JVM no port is handed out twice: the system may answer two probes in a row with one port, and a
 * test that picks all its ports before it starts anything then binds that port twice. Uses only the JDK.
 */
public final class FreePorts {

    /** {@link #next()}'s ports: below the ephemeral ports and IOTMP's defaults, apart from the cluster ports. */
    private static final int FIRST = 20_000;
    private static final int END = 25_000;
    /**
     * {@link #clusterPort(int)}'s ports: a failure detector's port 50,000 above one is still a port, and above the
     * ephemeral ports too (Linux hands out 32768-60999), which the system may give an outgoing connection meanwhile.
     */
    private static final int FIRST_CLUSTER = 11_000;
    private static final int END_CLUSTER = 15_500;
    private static final int ATTEMPTS = 200;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** A free port, never one handed out before in this JVM. */
    public static int next() {
        return find(FIRST, END, port -> true);
    }

    /**
     * A free port for a member of a cluster on camel-iotmp-cluster, whose failure detector's port (JGroups'
     * {@code FD_SOCK2}) {@code fdPortOffset} above it is free too; never one handed out before in this JVM.
     *
     * @param fdPortOffset the members' {@code fdPortOffset} ({@code ClusterOptions.DEFAULT_FD_PORT_OFFSET}, 50,000,
     *                     unless they set another)
     */
    public static int clusterPort(int fdPortOffset) {
        if (fdPortOffset <= 0 || END_CLUSTER - 1 + fdPortOffset > 65_535) {
            throw new IllegalArgumentException("fdPortOffset must be in 1-" + (65_536 - END_CLUSTER) + ": "
                                               + fdPortOffset);
        }
        return find(FIRST_CLUSTER, END_CLUSTER, port -> free(port + fdPortOffset));
    }

    /** A free port in {@code [first, end)} for which {@code alsoFree} holds, not handed out before. */
    private static int find(int first, int end, IntPredicate alsoFree) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(first, end);
            if (free(port) && alsoFree.test(port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + first + "-" + end + " after " + ATTEMPTS + " attempts");
    }

    /** Whether nothing listens on the port now, on any address (a listener on one address alone counts). */
    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
