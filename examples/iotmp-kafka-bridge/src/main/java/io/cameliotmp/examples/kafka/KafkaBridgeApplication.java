package io.cameliotmp.examples.kafka;

import org.apache.camel.main.Main;

/** Starts the bridge: Camel Main with the routes of this package and {@code application.properties}. */
public final class KafkaBridgeApplication {

    private KafkaBridgeApplication() {
    }

    public static void main(String[] args) throws Exception {
        new Main(KafkaBridgeApplication.class).run(args);
    }
}
