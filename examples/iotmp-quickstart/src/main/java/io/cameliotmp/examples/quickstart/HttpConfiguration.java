package io.cameliotmp.examples.quickstart;

import java.time.Duration;
import java.util.concurrent.Executor;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.AsyncSupportConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The HTTP side's plumbing: device API calls that hold no thread while they wait ({@link AsyncPlatformHttpConsumer}),
 * and what happens when Spring MVC gives up on one ({@link AsyncCallInterceptor}).
 */
@Configuration(proxyBeanMethods = false)
public class HttpConfiguration implements WebMvcConfigurer {

    private static final Logger LOG = LoggerFactory.getLogger(HttpConfiguration.class);

    private final Duration asyncTimeout;

    public HttpConfiguration(@Value("${spring.mvc.async.request-timeout:30s}") Duration asyncTimeout,
                             @Value("${camel.component.iotmp.request-timeout:10000}") long deviceTimeoutMillis) {
        this.asyncTimeout = asyncTimeout;
        if (asyncTimeout.toMillis() <= deviceTimeoutMillis) {
            LOG.warn("spring.mvc.async.request-timeout ({}) is not longer than camel.component.iotmp.request-timeout"
                     + " ({} ms): a device too slow to answer gets its callers a 503 rather than a 504",
                    asyncTimeout, deviceTimeoutMillis);
        }
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

    @Override
    public void configureAsyncSupport(AsyncSupportConfigurer configurer) {
        configurer.registerDeferredResultInterceptors(new AsyncCallInterceptor(asyncTimeout));
    }
}
