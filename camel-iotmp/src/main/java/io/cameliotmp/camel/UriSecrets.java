package io.cameliotmp.camel;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedCamelContext;
import org.apache.camel.util.URISupport;

/**
 * The iotmp and iotmp-device options that hold secrets, registered with Camel's URI sanitizer and with each context's
 * sensitive keywords. Camel masks secrets by option name, from a list of its own components' names, not by a
 * component's {@code secret = true} metadata: without this, credentials given in an endpoint URI (the kamelets put
 * them there) showed in clear in the URIs Camel shows (tracing, message history, logs, dev consoles, JMX), and those
 * of {@code camel.component.*} properties in Camel Main's start-up summary.
 */
public final class UriSecrets {

    /**
     * Every option marked {@code secret = true}, of both components. The sanitizer masks any option whose name holds
     * one of these, ignoring case: maxCredentialLength shows masked too, a price for not missing a secret.
     */
    static final String OPTIONS = "deviceCredentials,credential";

    /**
     * The same options as Camel Main names its properties' keys: the last part of the name, lower case, without dashes.
     * A context's additional keywords mask a key whose last part they contain (so iotmp-device's {@code device} shows
     * masked too, a price of Camel's rule).
     */
    static final List<String> KEYWORDS = List.of("devicecredentials", "credential");

    static {
        URISupport.addSanitizeKeywords(OPTIONS);
    }

    private UriSecrets() {
    }

    /**
     * Adds the secret options to the context's additional sensitive keywords, after those the application set
     * ({@code camel.main.additional-sensitive-keywords}). Camel Main masks by them the {@code camel.component.*}
     * properties it prints at start-up (and its {@code main-configuration} dev console's text): it sets a component's
     * properties once it created the component, which is given its context first. Camel's list has neither name, so
     * without this the devices' credentials were printed at INFO unless every application added them.
     * <p>
     * Setting a context's keywords also replaces those of Camel's URI sanitizer, which is one for the whole JVM: an
     * application's own keywords dropped the options {@link #OPTIONS} registered there, and URIs showed
     * iotmp-device's credential again. So this sets them whenever a component gets its context or starts, the
     * application's and these together.
     */
    public static void maskInSummaries(CamelContext context) {
        if (context == null) {
            return;
        }
        ExtendedCamelContext extension = context.getCamelContextExtension();
        synchronized (extension) {
            String current = extension.getAdditionalSensitiveKeywords();
            Set<String> keywords = new LinkedHashSet<>();
            if (current != null) {
                for (String keyword : current.split(",")) {
                    if (!keyword.isBlank()) {
                        keywords.add(keyword.trim());
                    }
                }
            }
            for (String keyword : KEYWORDS) {
                if (keywords.stream().noneMatch(keyword::equalsIgnoreCase)) {
                    keywords.add(keyword);
                }
            }
            extension.setAdditionalSensitiveKeywords(String.join(",", keywords));
        }
    }

    /** Makes sure the names are registered: the first call, from either component's class, registers them. */
    public static void register() {
        // registration happens once, in the static initializer this call triggers
    }
}
