package io.cameliotmp.examples.mqtt;

import java.util.Properties;

import io.cameliotmp.test.FreePorts;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;

/**
 * The bridge as it runs (Camel Main, its routes and application.properties) against the test's MQTT broker, with
 * the IOTMP server on a free port and the devices of user {@code acme} (credential {@code s3cret}) bridged.
 */
abstract class BridgeTestSupport extends CamelMainTestSupport {

    /** The port of the test's broker; asked in the constructor, so a constant of the test class. */
    protected abstract int brokerPort();

    /** Runs in the constructor: the app's properties with the test's broker and a free IOTMP port. */
    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        Properties overrides = new Properties();
        overrides.put("camel.component.paho.broker-url", "tcp://127.0.0.1:" + brokerPort());
        overrides.put("camel.component.iotmp.host", "127.0.0.1");
        overrides.put("camel.component.iotmp.port", String.valueOf(FreePorts.next()));
        overrides.put("camel.component.iotmp.device-credentials", "acme/*=s3cret");
        overrides.put("bridge.user", "acme");
        configuration.withUseOverridePropertiesWithPropertiesComponent(overrides);
    }

    @Override
    protected Class<?> getMainClass() {
        return MqttBridgeApplication.class;
    }

    /** The port of the bridge's IOTMP server. */
    protected int iotmpPort() {
        return Integer.parseInt(context.resolvePropertyPlaceholders("{{camel.component.iotmp.port}}"));
    }
}
