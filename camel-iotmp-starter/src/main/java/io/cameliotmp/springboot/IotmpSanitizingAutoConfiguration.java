package io.cameliotmp.springboot;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * With Spring Boot Actuator, masks the starter's secret properties in {@code /actuator/configprops} and
 * {@code /actuator/env} even where those endpoints show values ({@code show-values=always} or
 * {@code when-authorized}): the devices' credentials ({@code camel.component.iotmp.device-credentials},
 * {@code camel.component.iotmp-device.credential}) and the cluster's store passwords
 * ({@code camel.component.iotmp.cluster.tls-keystore-password}, {@code tls-truststore-password}). Spring Boot masks
 * by key only what a {@link SanitizingFunction} tells it to; showing values is asked for to read the configuration,
 * not to hand every device's credential to whoever may read it.
 */
@AutoConfiguration
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.SanitizingFunction")
public class IotmpSanitizingAutoConfiguration {

    @Bean
    public SanitizingFunction iotmpSecretsSanitizingFunction() {
        return SanitizingFunction.of(IotmpSanitizingAutoConfiguration::sanitize);
    }

    /** The last part of the name of each secret property, lower case, without dashes. */
    static final Set<String> SECRETS = Set.of("devicecredentials", "credential", "tlskeystorepassword",
            "tlstruststorepassword");

    /** The properties of the starter's two components, the cluster's included, in any of Spring's key forms. */
    private static final Pattern OURS = Pattern.compile("camel\\.component\\.(iotmp|iotmpdevice)\\..*");

    /** A list's index ({@code [0]}, or {@code .0.} once an environment variable's underscores are dots). */
    private static final Pattern INDEX = Pattern.compile("(\\[\\d+]|\\.\\d+\\.?)$");

    static SanitizableData sanitize(SanitizableData data) {
        return isSecret(data.getKey()) ? data.withSanitizedValue() : data;
    }

    /**
     * Whether a key names a secret property. Keys come as written in a property source
     * ({@code camel.component.iotmp.device-credentials}, {@code camel.component.iotmp.deviceCredentials},
     * {@code CAMEL_COMPONENT_IOTMP_DEVICECREDENTIALS}, a list's {@code device-credentials[0]}) or, in
     * {@code configprops}, as the prefix and the bean's property ({@code camel.component.iotmp.deviceCredentials},
     * {@code camel.component.iotmp.configuration.deviceCredentials}).
     */
    static boolean isSecret(String key) {
        if (key == null) {
            return false;
        }
        String name = key.toLowerCase(Locale.ROOT).replace("-", "").replace('_', '.');
        if (!OURS.matcher(name).matches()) {
            return false;
        }
        name = INDEX.matcher(name).replaceFirst("");
        return SECRETS.contains(name.substring(name.lastIndexOf('.') + 1));
    }
}
