package io.cameliotmp.springboot;

import java.util.LinkedHashSet;
import java.util.Set;

import io.cameliotmp.camel.device.IotmpDeviceConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.GenericConverter;
import org.springframework.stereotype.Component;

/**
 * Lets {@code camel.component.iotmp-device.configuration} refer to a bean ({@code #name} or {@code #bean:name}), as
 * {@link IotmpComponentConverter} does for the iotmp component's object options; that converter already handles
 * {@code sslContextParameters}. Text without the {@code #} prefix fails the binding, as there.
 */
@Configuration(proxyBeanMethods = false)
@ConfigurationPropertiesBinding
@Component
public class IotmpDeviceComponentConverter implements GenericConverter {

    private final ApplicationContext applicationContext;

    public IotmpDeviceComponentConverter(ApplicationContext applicationContext) {
        this.applicationContext = applicationContext;
    }

    @Override
    public Set<ConvertiblePair> getConvertibleTypes() {
        Set<ConvertiblePair> answer = new LinkedHashSet<>();
        answer.add(new ConvertiblePair(String.class, IotmpDeviceConfiguration.class));
        return answer;
    }

    @Override
    public Object convert(Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
        return BeanReferences.resolve(applicationContext, source, targetType.getType());
    }
}
