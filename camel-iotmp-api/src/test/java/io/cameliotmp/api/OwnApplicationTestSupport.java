package io.cameliotmp.api;

import io.cameliotmp.test.FreePorts;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * For test classes that run an application of their own (properties of their own, such as a small limit that the test
 * reaches), beside the shared application of the other tests: its IOTMP server takes a port of its own, and the
 * application is closed after the class.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
abstract class OwnApplicationTestSupport extends ApiTestSupport {

    /** The own application's IOTMP port; one at a time runs, as each is closed after its class. */
    protected static final int OWN_IOTMP_PORT = FreePorts.next();

    @DynamicPropertySource
    static void ownIotmpPort(DynamicPropertyRegistry registry) {
        // dynamic properties come first: this application's server does not take the shared application's port
        registry.add("camel.component.iotmp.port", () -> OWN_IOTMP_PORT);
    }
}
