package io.cameliotmp.examples.mqtt;

import org.apache.camel.main.Main;

/** Starts the bridge: Camel Main with the routes of this package and {@code application.properties}. */
public final class MqttBridgeApplication {

    private MqttBridgeApplication() {
    }

    public static void main(String[] args) throws Exception {
        new Main(MqttBridgeApplication.class).run(args);
    }
}
