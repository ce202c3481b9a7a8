package io.cameliotmp.testing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.test.AvailablePortFinder;


/**
 * Free ports for tests. The OS may hand out the same ephemeral port to two probes in a row (nothing holds it in
 * between), so a test that asks for several ports could get one twice; this never repeats a port within the JVM.
 * The other modules' tests use camel-iotmp-test's {@code FreePorts}, which this module's cannot: that kit depends on
 * this module.
 */
public final class TestPorts {

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private TestPorts() {
    }

    public static int next() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = AvailablePortFinder.getNextAvailable();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no unused free port after 100 attempts");
    }
}
