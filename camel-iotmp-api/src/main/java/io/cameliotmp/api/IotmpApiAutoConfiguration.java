package io.cameliotmp.api;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cameliotmp.api.access.AccessRechecks;
import io.cameliotmp.api.access.AccessTickets;
import io.cameliotmp.api.access.AccessTokenStore;
import io.cameliotmp.api.access.AuthFailureLimiter;
import jakarta.servlet.ServletRequestListener;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpAutoConfiguration;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.catalina.connector.Connector;
import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.error.ErrorMvcAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.ServletListenerRegistrationBean;
import org.springframework.boot.web.servlet.error.ErrorAttributes;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.config.annotation.AsyncSupportConfigurer;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.support.DefaultHandlerExceptionResolver;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.ServletWebSocketHandlerRegistry;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistration;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/**
 * The device API in a Spring Boot application, with {@code camel.iotmp.api.enabled=true}: the routes
 * ({@link DeviceApiRoutes}), the Server-Sent Events streams ({@link DeviceStreamController}), the request body limits
 * ({@link RequestBodyFilter}), the web console, and the plumbing that lets API calls wait for devices without holding a
 * thread ({@link AsyncPlatformHttpConsumer}, {@link AsyncCallInterceptor}).
 */
@AutoConfiguration(after = CamelAutoConfiguration.class,
        before = {SpringBootPlatformHttpAutoConfiguration.class, ErrorMvcAutoConfiguration.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = IotmpApiProperties.PREFIX, name = "enabled", havingValue = "true")
@EnableConfigurationProperties(IotmpApiProperties.class)
@Import({ApiFilterChainConfiguration.class, ConnectionBoundConfiguration.class})
public class IotmpApiAutoConfiguration implements WebMvcConfigurer {

    /** The paths of the device API, to which the body limits apply. */
    static final String API_PATHS = "/v3/*";
    static final String DEVICE_EVENTS_ROUTE = "iotmp-api-device-events";

    private static final Logger LOG = LoggerFactory.getLogger(IotmpApiAutoConfiguration.class);

    /** Where the console's files are, in this module's jar. */
    static final String CONSOLE_FILES = "classpath:/io/cameliotmp/api/console/";

    private final Duration asyncTimeout;
    private final IotmpApiProperties properties;
    /** The long-lived places of each client address, shared by the sessions' and the streams' caps. */
    private final AddressSlots streamsPerAddress;

    public IotmpApiAutoConfiguration(IotmpApiProperties properties,
                                     @Value("${spring.mvc.async.request-timeout:30s}") Duration asyncTimeout) {
        this.properties = properties;
        this.streamsPerAddress = new AddressSlots(properties.maxStreamsPerAddress());
        this.asyncTimeout = asyncTimeout;
    }

    /**
     * How long the component waits for a device's answer, read from the component when used: a value set on it in
     * Java is seen, which the property {@code camel.component.iotmp.request-timeout} alone was.
     */
    @Bean
    ComponentRequestTimeout iotmpComponentRequestTimeout(CamelContext camelContext) {
        return new ComponentRequestTimeout(camelContext);
    }

    /**
     * Warns, once Camel has started and the component is configured however the application does it, when the web
     * server gives up on an asynchronous request before the component gives up on the device.
     */
    @Bean
    CamelContextConfiguration iotmpRequestTimeoutCheck(ComponentRequestTimeout deviceTimeout) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
                Duration device = deviceTimeout.get();
                if (asyncTimeout.compareTo(device) <= 0) {
                    LOG.warn("spring.mvc.async.request-timeout ({}) is not longer than the iotmp component's"
                             + " requestTimeout (camel.component.iotmp.request-timeout, {}): a device too slow to"
                             + " answer gets its callers a 503 rather than a 504", asyncTimeout, device);
                }
            }
        };
    }

    /**
     * The API's requests refused by Spring MVC are answered as before, logged at DEBUG only; a call whose client is
     * gone ends quietly, before any other resolver tries to answer it ({@link GoneClientCallResolver}).
     */
    @Override
    public void extendHandlerExceptionResolvers(List<HandlerExceptionResolver> resolvers) {
        resolvers.add(0, new GoneClientCallResolver());
        // in the place of Spring's own, after the application's exception handlers
        int springs = 0;
        while (springs < resolvers.size() && !(resolvers.get(springs) instanceof DefaultHandlerExceptionResolver)) {
            springs++;
        }
        resolvers.add(springs, new QuietRequestRejections());
    }

    /** The device API's routes. */
    @Bean
    DeviceApiRoutes iotmpDeviceApiRoutes(FirmwareUploads firmware, FileUploads uploads) {
        return new DeviceApiRoutes(firmware, uploads);
    }

    /** The rate uploads' bodies must keep up after {@code body-read-timeout}: {@code upload-min-rate}. */
    @Bean
    UploadRate iotmpUploadRate() {
        return new UploadRate(properties.uploadMinRate().toBytes(), properties.bodyReadTimeout(), System::nanoTime);
    }

    @Bean
    FileUploads iotmpFileUploads(ProducerTemplate producer, UploadRate rate, ComponentRequestTimeout deviceTimeout) {
        return new FileUploads(producer, deviceTimeout, properties.maxUploadSize().toBytes(),
                slots(UserSlots.Kind.UPLOADS, properties.maxUploads()), rate);
    }

    @Bean
    FirmwareUploads iotmpFirmwareUploads(ProducerTemplate producer, UploadRate rate) {
        return new FirmwareUploads(producer, properties.maxFirmwareSize().toBytes(),
                slots(UserSlots.Kind.FIRMWARE_UPDATES, properties.maxFirmwareUpdates()), rate);
    }

    @Bean
    StreamRefusals iotmpStreamRefusals(ProducerTemplate producer) {
        return new StreamRefusals(producer);
    }

    /** Checks the tokens of the sessions, streams and subscriptions again: {@code access-recheck-interval}. */
    @Bean
    AccessRechecks iotmpAccessRechecks(AccessTokenStore tokens) {
        return new AccessRechecks(tokens, properties.accessRecheckInterval());
    }

    @Bean
    DeviceStreamController iotmpDeviceStreamController(CamelContext camelContext, StreamRefusals refusals,
                                                       IotmpApiProperties properties, AccessRechecks rechecks,
                                                       OpenRate opens) {
        return new DeviceStreamController(camelContext, refusals,
                slots(UserSlots.Kind.SSE_STREAMS, properties.maxSseStreams(), opens), properties, rechecks);
    }

    @Bean
    DeviceStreamSocket iotmpDeviceStreamSocket(CamelContext camelContext, StreamRefusals refusals, ObjectMapper json,
                                               IotmpApiProperties properties, AccessRechecks rechecks,
                                               OpenRate opens) {
        return new DeviceStreamSocket(camelContext, refusals, json,
                slots(UserSlots.Kind.WEBSOCKET_STREAMS, properties.maxWebsocketStreams(), opens), properties,
                rechecks);
    }

    @Bean
    DeviceSessionSocket iotmpDeviceSessionSocket(ProducerTemplate producer, ObjectMapper json,
                                                 AccessRechecks rechecks, OpenRate opens) {
        return new DeviceSessionSocket(producer, json, slots(UserSlots.Kind.SESSIONS, properties.maxSessions(), opens),
                properties.sessionSendBuffer().toBytes(), properties.sessionSendTimeout(),
                (int) properties.sessionInputBuffer().toBytes(), properties.websocketIdleTimeout(), rechecks);
    }

    /** The rate downloads' clients must keep up after {@code body-read-timeout}: {@code download-min-rate}. */
    @Bean
    DownloadRate iotmpDownloadRate() {
        return new DownloadRate(properties.downloadMinRate().toBytes(), properties.bodyReadTimeout(),
                System::nanoTime);
    }

    @Bean
    FileDownloads iotmpFileDownloads(ProducerTemplate producer, DownloadRate rate,
                                     ComponentRequestTimeout deviceTimeout) {
        return new FileDownloads(producer, deviceTimeout,
                slots(UserSlots.Kind.DOWNLOADS, properties.maxDownloads()), rate);
    }

    /** Gives back the place of a download whose request ended before it started streaming. */
    @Bean
    ServletListenerRegistrationBean<ServletRequestListener> iotmpDownloadSlotReleaser(FileDownloads downloads) {
        return new ServletListenerRegistrationBean<>(downloads.slotReleaser());
    }

    /** {@code POST /v3/users/{user}/tickets}: the console's tickets ({@link AccessTickets}). */
    @Bean
    TicketController iotmpTicketController(AccessTickets tickets) {
        return new TicketController(tickets);
    }

    @Bean
    DeviceEvents iotmpDeviceEvents(AccessRechecks rechecks) {
        return new DeviceEvents(slots(UserSlots.Kind.EVENT_STREAMS, properties.maxEventStreams()),
                properties.streamSendTimeout(), rechecks);
    }

    /** The long-lived places of each client address ({@code max-streams-per-address}), for the metrics. */
    @Bean
    AddressSlots iotmpStreamsPerAddress() {
        return streamsPerAddress;
    }

    /**
     * How fast one user opens byte sessions and resource streams ({@code max-opens-per-user-per-minute}), shared by
     * their caps; a bean of the application's own replaces it (a test's, on a clock of its own).
     */
    @Bean
    @ConditionalOnMissingBean
    OpenRate iotmpOpensPerUser() {
        return new OpenRate(properties.maxOpensPerUserPerMinute(), System::nanoTime);
    }

    /** The places of a capped kind: its cap, of which one user may hold {@code max-share-per-user}. */
    private UserSlots slots(UserSlots.Kind kind, int cap) {
        return slots(kind, cap, null);
    }

    /** {@link #slots(UserSlots.Kind, int)}, the kinds that open device streams bound by {@code opens} too. */
    private UserSlots slots(UserSlots.Kind kind, int cap, OpenRate opens) {
        return new UserSlots(kind, cap, properties.maxSharePerUser(), switch (kind) {
            // the long-lived ones, each a connection that stays: counted by client address too, all together
            case SESSIONS, WEBSOCKET_STREAMS, SSE_STREAMS, EVENT_STREAMS -> streamsPerAddress;
            case DOWNLOADS, UPLOADS, FIRMWARE_UPDATES -> null;
        }, switch (kind) {
            // the ones that each open a stream on a device: how fast one user opens them, all together
            case SESSIONS, WEBSOCKET_STREAMS, SSE_STREAMS -> opens;
            case EVENT_STREAMS, DOWNLOADS, UPLOADS, FIRMWARE_UPDATES -> null;
        });
    }

    /** Hands the devices' session data, download chunks and lifecycle events to their clients, in order. */
    @Bean
    RouteBuilder iotmpDeviceSessionRoutes(DeviceSessionSocket sessions, FileDownloads downloads,
                                          FileUploads uploads, DeviceEvents events) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(DeviceEvents.SOURCE).routeId(DEVICE_EVENTS_ROUTE).process(events::publish);
                from(DeviceSessionSocket.DELIVERY).routeId("iotmp-api-session-data").process(sessions::deliver);
                from(FileDownloads.DELIVERY).routeId("iotmp-api-download-data").process(downloads::deliver);
                from(FileUploads.DELIVERY).routeId("iotmp-api-upload-acks").process(uploads::deliver);
            }
        };
    }

    /** The gauges of the API's bounded state, when Micrometer is there. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
    static class Metrics {

        @Bean
        ApiMetrics iotmpApiMetrics(DeviceSessionSocket sessions, DeviceStreamSocket streams,
                                   DeviceStreamController sseStreams, DeviceEvents events, FileDownloads downloads,
                                   FileUploads uploads, FirmwareUploads firmware, AuthFailureLimiter failures,
                                   AnswerWriter answers, CallsInProgress calls, AddressSlots streamsPerAddress) {
            return new ApiMetrics(sessions, streams, sseStreams, events, downloads, failures, answers, calls,
                    List.of(sessions.slots(), streams.slots(), sseStreams.slots(), events.slots(), downloads.slots(),
                            uploads.slots(), firmware.slots()), streamsPerAddress);
        }

        /** Sessions and streams refused by their user's rate, {@code max-opens-per-user-per-minute}. */
        @Bean
        io.micrometer.core.instrument.binder.MeterBinder iotmpApiOpenRateMetrics(OpenRate opens) {
            return registry -> io.micrometer.core.instrument.FunctionCounter.builder("iotmp.api.opens.refused", opens,
                    OpenRate::refused).description("Byte sessions and resource streams refused because their user"
                            + " opened max-opens-per-user-per-minute of them within a minute").register(registry);
        }

        /** Clients subscribed to device events, bounded by {@code max-event-streams}. */
        @Bean
        io.micrometer.core.instrument.binder.MeterBinder iotmpApiEventMetrics(DeviceEvents events) {
            return registry -> io.micrometer.core.instrument.Gauge.builder("iotmp.api.event.streams", events,
                    DeviceEvents::subscribed).description("Clients subscribed to device events").register(registry);
        }

        /** Sessions, streams and subscriptions ended because their token no longer granted them. */
        @Bean
        io.micrometer.core.instrument.binder.MeterBinder iotmpApiAccessMetrics(AccessRechecks rechecks) {
            return registry -> io.micrometer.core.instrument.FunctionCounter.builder(
                    "iotmp.api.access.revoked.closed", rechecks, AccessRechecks::revokedClosed)
                    .description("Byte sessions, resource streams and device event subscriptions ended because"
                                 + " their access token no longer granted them (access-recheck-interval)")
                    .register(registry);
        }

        /** Tickets outstanding, bounded by {@code max-tickets}; issued, used, refused. */
        @Bean
        io.micrometer.core.instrument.binder.MeterBinder iotmpApiTicketMetrics(AccessTickets tickets) {
            return registry -> {
                io.micrometer.core.instrument.Gauge.builder("iotmp.api.tickets", tickets, AccessTickets::outstanding)
                        .description("Tickets issued and not yet used (nor dropped once expired)")
                        .register(registry);
                io.micrometer.core.instrument.FunctionCounter.builder("iotmp.api.tickets.issued", tickets,
                        AccessTickets::issued).description("Tickets issued").register(registry);
                io.micrometer.core.instrument.FunctionCounter.builder("iotmp.api.tickets.redeemed", tickets,
                        AccessTickets::redeemed).description("Tickets that admitted their request").register(registry);
                io.micrometer.core.instrument.FunctionCounter.builder("iotmp.api.tickets.rejected", tickets,
                        AccessTickets::rejected).description("Tickets presented and refused: unknown, used, expired"
                                                             + " or of another request").register(registry);
                io.micrometer.core.instrument.FunctionCounter.builder("iotmp.api.tickets.full", tickets,
                        AccessTickets::refusedFull).description("Tickets refused beyond max-tickets or"
                                                                + " max-tickets-per-user").register(registry);
            };
        }

        /** Downloads cut short because their client took them slower than {@code download-min-rate}. */
        @Bean
        io.micrometer.core.instrument.binder.MeterBinder iotmpApiDownloadMetrics(DownloadRate rate) {
            return registry -> io.micrometer.core.instrument.FunctionCounter.builder("iotmp.api.downloads.slow.failed",
                    rate, DownloadRate::tooSlow).description("File downloads cut short because their client took"
                                                             + " them slower than download-min-rate")
                    .register(registry);
        }

        /**
         * Bytes of request bodies arriving, bounded by {@code body-read-buffer}; bodies refused (503) beyond it.
         */
        @Bean
        io.micrometer.core.instrument.binder.MeterBinder iotmpApiBodyMetrics(BodyReadBuffer bodies) {
            return registry -> {
                io.micrometer.core.instrument.Gauge.builder("iotmp.api.bodies.bytes", bodies, BodyReadBuffer::bytes)
                        .description("Bytes of request bodies held in memory while they arrive").baseUnit("bytes")
                        .register(registry);
                io.micrometer.core.instrument.FunctionCounter.builder("iotmp.api.bodies.refused", bodies,
                        BodyReadBuffer::refused).description("Request bodies refused (503) because they did not fit"
                                                             + " in body-read-buffer").register(registry);
            };
        }

        /**
         * Running uploads, bounded by {@code max-uploads}; uploads and firmware images failed for arriving slower than
         * {@code upload-min-rate}.
         */
        @Bean
        io.micrometer.core.instrument.binder.MeterBinder iotmpApiUploadMetrics(FileUploads uploads, UploadRate rate) {
            return registry -> {
                io.micrometer.core.instrument.Gauge.builder("iotmp.api.uploads", uploads, FileUploads::running)
                        .description("File uploads to devices running").register(registry);
                io.micrometer.core.instrument.FunctionCounter.builder("iotmp.api.uploads.slow.failed", rate,
                        UploadRate::tooSlow).description("File uploads and firmware images failed for arriving"
                                                         + " slower than upload-min-rate").register(registry);
            };
        }
    }

    /**
     * The WebSocket endpoints of the byte sessions and the streams; browsers of the application's own origin only
     * (Spring's default) and of {@code cors-allowed-origins}.
     * Mapped ahead of the platform-http routes, whose resource route would take {@code …/resources/{resource}/ws}.
     */
    @Configuration(proxyBeanMethods = false)
    @EnableWebSocket
    static class SessionSockets implements WebSocketConfigurer {

        private final DeviceSessionSocket sessions;
        private final DeviceStreamSocket streams;
        private final ObjectMapper json;
        private final IotmpApiProperties properties;

        SessionSockets(DeviceSessionSocket sessions, DeviceStreamSocket streams, ObjectMapper json,
                       IotmpApiProperties properties) {
            this.properties = properties;
            this.sessions = sessions;
            this.streams = streams;
            this.json = json;
        }

        @Override
        public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
            HandshakeRequestCheck requestCheck = new HandshakeRequestCheck(json);
            HandshakeUriCheck uriCheck = new HandshakeUriCheck(json);
            HandshakeAdmission admission = new HandshakeAdmission();
            for (WebSocketHandlerRegistration endpoint : List.of(
                    registry.addHandler(sessions, DeviceSessionSocket.PATHS)
                            .addInterceptors(requestCheck, uriCheck, admission),
                    registry.addHandler(streams, DeviceStreamSocket.PATHS)
                            .addInterceptors(requestCheck, uriCheck, admission))) {
                if (!properties.corsAllowedOrigins().isEmpty()) {
                    // the application's own origin stays allowed; without this, it alone is (Spring's default)
                    endpoint.setAllowedOriginPatterns(properties.corsAllowedOrigins().toArray(String[]::new));
                }
            }
            if (registry instanceof ServletWebSocketHandlerRegistry servlet) {
                servlet.setOrder(ApiHandlerMapping.ORDER);
            }
        }
    }

    /** Serves the SSE streams ahead of the resource route. */
    @Bean
    ApiHandlerMapping iotmpApiHandlerMapping() {
        return new ApiHandlerMapping();
    }

    /** Spring Boot's error answers in the API's shape, for the API's paths. */
    @Bean
    ErrorAttributes iotmpApiErrorAttributes() {
        return new ApiErrorAttributes();
    }

    /** Sends the routes' answers without a thread, closing clients that read nothing of theirs in time. */
    @Bean
    AnswerWriter iotmpAnswerWriter() {
        return new AnswerWriter(properties.answerWriteTimeout(), properties.answerSendBuffer().toBytes());
    }

    /** The calls of the routes held now: gauge {@code iotmp.api.calls}. */
    @Bean
    CallsInProgress iotmpApiCalls() {
        return new CallsInProgress();
    }

    /**
     * Replaces camel-platform-http-starter's engine (it backs off when one exists): same mapping into Spring MVC,
     * asynchronous consumers. Answers are rendered by the application task executor, as Camel's consumer writes
     * them, and sent without a thread ({@link AnswerWriter}).
     */
    @Bean(name = "platform-http-engine")
    PlatformHttpEngine platformHttpEngine(
            @Qualifier(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME) Executor writers,
            AnswerWriter answers, CallsInProgress calls, ObjectMapper json,
            @Value("${server.port:8080}") int port) {
        return new PlatformHttpEngine() {
            @Override
            public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
                return new AsyncPlatformHttpConsumer(endpoint, processor, writers, answers, calls, json);
            }

            @Override
            public int getServerPort() {
                return port;
            }
        };
    }

    /** What the API needs of Tomcat. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.apache.catalina.startup.Tomcat")
    static class TomcatCustomizations {

        /**
         * Tomcat refuses a {@code %2F} in a path with an HTML 400 of its own by default; resource names with a slash
         * may be sent encoded, so it is passed on as it is ({@link ResourcePath} decodes it; Spring's path matching
         * keeps it inside its segment).
         */
        @Bean
        WebServerFactoryCustomizer<TomcatServletWebServerFactory> iotmpApiEncodedSlashes() {
            return factory -> factory.addConnectorCustomizers((Connector connector) ->
                    connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue()));
        }

        /** Closing the connection of a client that reads nothing of its answer ({@link AnswerWriter}). */
        @Bean
        WebServerFactoryCustomizer<TomcatServletWebServerFactory> iotmpApiConnectionCloser() {
            return factory -> factory.addContextValves(new TomcatConnectionCloser());
        }

        /**
         * Ending cleanly a request whose connection failed on its own thread as it went asynchronous (a client that
         * left while its answer or stream started), which Tomcat would otherwise recycle by force, with a log line.
         */
        @Bean
        WebServerFactoryCustomizer<TomcatServletWebServerFactory> iotmpApiFailedAsyncCompleter() {
            return factory -> factory.addEngineValves(new TomcatFailedAsyncCompleter());
        }
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
