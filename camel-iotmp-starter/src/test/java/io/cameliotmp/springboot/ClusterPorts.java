package io.cameliotmp.springboot;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.cluster.ClusterOptions;

/** Free ports for cluster members in the tests: JGroups' failure detector listens 50,000 above a member's port. */
final class ClusterPorts {

    /** Where the next search starts: past the ports given already, so two members of one test never share one. */
    private static final AtomicInteger NEXT = new AtomicInteger(10_000 + (int) (ProcessHandle.current().pid() % 5_000));

    private ClusterPorts() {
    }

    /** A free port whose failure-detector port ({@link ClusterOptions#DEFAULT_FD_PORT_OFFSET} above) is free too. */
    static int next() {
        for (int port = NEXT.getAndIncrement(); port < 15_500; port = NEXT.getAndIncrement()) {
            if (free(port) && free(port + ClusterOptions.DEFAULT_FD_PORT_OFFSET)) {
                return port;
            }
        }
        throw new IllegalStateException("no free cluster port");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
