package io.cameliotmp.springboot;

import java.util.LinkedHashSet;
import java.util.Set;

import io.cameliotmp.camel.IotmpConfiguration;
import io.cameliotmp.server.DeviceAuthenticator;
import io.cameliotmp.server.DeviceChannelInitializer;
import io.cameliotmp.server.PropertyStore;
import io.cameliotmp.server.ServerCluster;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.GenericConverter;
import org.springframework.stereotype.Component;

/**
 * Lets the object-typed options refer to beans, as in every Camel starter:
 * {@code camel.component.iotmp.authenticator=#myAuthenticator} (or {@code #bean:myAuthenticator}) binds the bean of
 * that name while Spring Boot binds {@link IotmpComponentConfiguration}. Text without the {@code #} prefix fails the
 * binding (Camel's generated converters turn it into null, leaving the option unset without a word); empty text leaves
 * the option unset.
 */
@Configuration(proxyBeanMethods = false)
@ConfigurationPropertiesBinding
@Component
public class IotmpComponentConverter implements GenericConverter {

    private final ApplicationContext applicationContext;

    public IotmpComponentConverter(ApplicationContext applicationContext) {
        this.applicationContext = applicationContext;
    }

    @Override
    public Set<ConvertiblePair> getConvertibleTypes() {
        Set<ConvertiblePair> answer = new LinkedHashSet<>();
        answer.add(new ConvertiblePair(String.class, IotmpConfiguration.class));
        answer.add(new ConvertiblePair(String.class, DeviceAuthenticator.class));
        answer.add(new ConvertiblePair(String.class, PropertyStore.class));
        answer.add(new ConvertiblePair(String.class, ServerCluster.class));
        answer.add(new ConvertiblePair(String.class, DeviceChannelInitializer.class));
        answer.add(new ConvertiblePair(String.class, SSLContextParameters.class));
        return answer;
    }

    @Override
    public Object convert(Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
        return BeanReferences.resolve(applicationContext, source, targetType.getType());
    }
}
