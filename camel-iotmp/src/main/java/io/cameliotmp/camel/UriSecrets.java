package io.cameliotmp.camel;

import org.apache.camel.util.URISupport;

/**
 * The iotmp and iotmp-device options that hold secrets, registered with Camel's URI sanitizer. Camel masks secrets in
 * the URIs it shows (tracing, message history, logs, dev consoles, JMX) by option name, from a list of its own
 * components' names, not by a component's {@code secret = true} metadata: without this, credentials given in an
 * endpoint URI (the kamelets put them there) showed in clear.
 */
public final class UriSecrets {

    /**
     * Every option marked {@code secret = true}, of both components. The sanitizer masks any option whose name holds
     * one of these, ignoring case: maxCredentialLength shows masked too, a price for not missing a secret.
     */
    static final String OPTIONS = "deviceCredentials,credential";

    static {
        URISupport.addSanitizeKeywords(OPTIONS);
    }

    private UriSecrets() {
    }

    /** Makes sure the names are registered: the first call, from either component's class, registers them. */
    public static void register() {
        // registration happens once, in the static initializer this call triggers
    }
}
