package io.cameliotmp.api;

import java.time.Duration;
import java.util.concurrent.Executor;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpAutoConfiguration;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.config.annotation.AsyncSupportConfigurer;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The device API in a Spring Boot application, with {@code camel.iotmp.api.enabled=true}: the routes
 * ({@link DeviceApiRoutes}), the Server-Sent Events streams ({@link DeviceStreamController}), the request body limits
 * ({@link RequestBodyFilter}), the web console, and the plumbing that lets API calls wait for devices without holding a
 * thread ({@link AsyncPlatformHttpConsumer}, {@link AsyncCallInterceptor}).
 */
@AutoConfiguration(after = CamelAutoConfiguration.class, before = SpringBootPlatformHttpAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = IotmpApiProperties.PREFIX, name = "enabled", havingValue = "true")
@EnableConfigurationProperties(IotmpApiProperties.class)
public class IotmpApiAutoConfiguration implements WebMvcConfigurer {

    /** The paths of the device API, to which the body limits apply. */
    static final String API_PATHS = "/v3/*";

    private static final Logger LOG = LoggerFactory.getLogger(IotmpApiAutoConfiguration.class);

    /** Where the console's files are, in this module's jar. */
    static final String CONSOLE_FILES = "classpath:/io/cameliotmp/api/console/";

    private final Duration asyncTimeout;
    private final IotmpApiProperties properties;

    public IotmpApiAutoConfiguration(IotmpApiProperties properties,
                                     @Value("${spring.mvc.async.request-timeout:30s}") Duration asyncTimeout,
                                     @Value("${camel.component.iotmp.request-timeout:10000}")
                                     long deviceTimeoutMillis) {
        this.properties = properties;
        this.asyncTimeout = asyncTimeout;
        if (asyncTimeout.toMillis() <= deviceTimeoutMillis) {
            LOG.warn("spring.mvc.async.request-timeout ({}) is not longer than camel.component.iotmp.request-timeout"
                     + " ({} ms): a device too slow to answer gets its callers a 503 rather than a 504",
                    asyncTimeout, deviceTimeoutMillis);
        }
    }

    /** The device API's routes. */
    @Bean
    DeviceApiRoutes iotmpDeviceApiRoutes() {
        return new DeviceApiRoutes();
    }

    @Bean
    StreamRefusals iotmpStreamRefusals(ProducerTemplate producer) {
        return new StreamRefusals(producer);
    }

    @Bean
    DeviceStreamController iotmpDeviceStreamController(CamelContext camelContext, StreamRefusals refusals,
                                                       IotmpApiProperties properties) {
        return new DeviceStreamController(camelContext, refusals, properties);
    }

    /** Admits request bodies within the limits, before anything else reads them; the API's paths only. */
    @Bean
    FilterRegistrationBean<RequestBodyFilter> iotmpRequestBodyFilter(IotmpApiProperties properties,
                                                                     ObjectMapper json) {
        FilterRegistrationBean<RequestBodyFilter> registration =
                new FilterRegistrationBean<>(new RequestBodyFilter(properties, json));
        registration.addUrlPatterns(API_PATHS);
        registration.setAsyncSupported(true);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    /**
     * Replaces camel-platform-http-starter's engine (it backs off when one exists): same mapping into Spring MVC,
     * asynchronous consumers. Answers are written by the application task executor, as Camel's consumer does.
     */
    @Bean(name = "platform-http-engine")
    PlatformHttpEngine platformHttpEngine(
            @Qualifier(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME) Executor writers,
            ObjectMapper json, @Value("${server.port:8080}") int port) {
        return new PlatformHttpEngine() {
            @Override
            public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
                return new AsyncPlatformHttpConsumer(endpoint, processor, writers, json);
            }

            @Override
            public int getServerPort() {
                return port;
            }
        };
    }

    /** The web console: its files under {@code console-path}, its page at the path itself. */
    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        if (properties.consoleEnabled()) {
            registry.addResourceHandler(properties.consolePath() + "**").addResourceLocations(CONSOLE_FILES);
        }
    }

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        if (properties.consoleEnabled()) {
            registry.addViewController(properties.consolePath())
                    .setViewName("forward:" + properties.consolePath() + "index.html");
        }
    }

    @Override
    public void configureAsyncSupport(AsyncSupportConfigurer configurer) {
        configurer.registerDeferredResultInterceptors(new AsyncCallInterceptor(asyncTimeout));
    }
}
