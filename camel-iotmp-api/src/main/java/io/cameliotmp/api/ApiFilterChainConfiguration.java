package io.cameliotmp.api;

import java.io.IOException;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cameliotmp.api.access.AccessTickets;
import io.cameliotmp.api.access.AccessTokenStore;
import io.cameliotmp.api.access.ApiAccessFilter;
import io.cameliotmp.api.access.AuthFailureLimiter;
import io.cameliotmp.api.access.HashedTokenStore;
import jakarta.servlet.DispatcherType;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.web.filter.CorsFilter;

/**
 * The servlet filters in front of the device API, in the order a request meets them: the path guard, on every path,
 * so that Tomcat (which picks the filters) and Spring MVC (which picks the handler) agree on which requests are the
 * API's and what they address; the browser headers, so that
 * every answer carries them, refusals included; cross-origin requests, so that a preflight (which carries no token)
 * is answered and the refusals after it carry what a page needs to read them; readiness; access (the token); then the
 * request body's limits, which read nothing of a request the filters before refused. The orders are those of this
 * class's constants and nowhere else.
 */
@Configuration(proxyBeanMethods = false)
class ApiFilterChainConfiguration {

    /** On error dispatches only, so it cannot sit anywhere else. */
    static final int CALL_ERROR_PAGE_GUARD_ORDER = Ordered.HIGHEST_PRECEDENCE;
    /** On every path, before the filters of the API's paths: it decides which requests are the API's. */
    static final int PATH_GUARD_ORDER = Ordered.HIGHEST_PRECEDENCE + 2;
    static final int BROWSER_HEADERS_ORDER = Ordered.HIGHEST_PRECEDENCE + 3;
    static final int CORS_ORDER = Ordered.HIGHEST_PRECEDENCE + 4;
    static final int READINESS_ORDER = Ordered.HIGHEST_PRECEDENCE + 5;
    static final int ACCESS_ORDER = Ordered.HIGHEST_PRECEDENCE + 6;
    static final int REQUEST_BODY_ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    private static final Logger LOG = LoggerFactory.getLogger(ApiFilterChainConfiguration.class);

    private final IotmpApiProperties properties;

    ApiFilterChainConfiguration(IotmpApiProperties properties) {
        this.properties = properties;
    }

    /** No error page into an answer a call of the routes sends itself (see {@link CallErrorPageGuard}). */
    @Bean
    FilterRegistrationBean<CallErrorPageGuard> iotmpCallErrorPageGuard() {
        FilterRegistrationBean<CallErrorPageGuard> registration =
                new FilterRegistrationBean<>(new CallErrorPageGuard());
        registration.setDispatcherTypes(DispatcherType.ERROR);
        registration.setAsyncSupported(true);
        registration.setOrder(CALL_ERROR_PAGE_GUARD_ORDER);
        return registration;
    }

    /** No path parameters or dot segments in the API's paths ({@link ApiPathGuard}). */
    @Bean
    FilterRegistrationBean<ApiPathGuard> iotmpApiPathGuard(ObjectMapper json) {
        FilterRegistrationBean<ApiPathGuard> registration = new FilterRegistrationBean<>(new ApiPathGuard(json));
        registration.addUrlPatterns("/*");
        registration.setAsyncSupported(true);
        registration.setOrder(PATH_GUARD_ORDER);
        return registration;
    }

    /** How browsers treat the API's answers ({@link BrowserSecurityHeaders#forApi()}); first, for every answer. */
    @Bean
    FilterRegistrationBean<BrowserSecurityHeaders> iotmpApiBrowserHeaders() {
        return onApiPaths(BrowserSecurityHeaders.forApi(), BROWSER_HEADERS_ORDER);
    }

    /**
     * The console page's policy ({@code console-content-security-policy}), on the page only: with the console at
     * {@code /} a pattern for its folder would put it on every page of the application.
     */
    @Bean
    @ConditionalOnProperty(prefix = IotmpApiProperties.PREFIX, name = "console-enabled", havingValue = "true",
            matchIfMissing = true)
    FilterRegistrationBean<BrowserSecurityHeaders> iotmpConsoleBrowserHeaders() {
        FilterRegistrationBean<BrowserSecurityHeaders> registration = new FilterRegistrationBean<>(
                BrowserSecurityHeaders.forConsolePage(properties.consoleContentSecurityPolicy()));
        registration.addUrlPatterns(properties.consolePath(), properties.consolePath() + "index.html");
        registration.setOrder(BROWSER_HEADERS_ORDER);
        return registration;
    }

    /**
     * {@code nosniff} on the console's other files, each by its name (the files found in the console's folder, and
     * xterm.js's webjar): with the console at {@code /} a pattern for its folder would set it on every path of the
     * application.
     */
    @Bean
    @ConditionalOnProperty(prefix = IotmpApiProperties.PREFIX, name = "console-enabled", havingValue = "true",
            matchIfMissing = true)
    FilterRegistrationBean<BrowserSecurityHeaders> iotmpConsoleFileHeaders() throws IOException {
        FilterRegistrationBean<BrowserSecurityHeaders> registration =
                new FilterRegistrationBean<>(BrowserSecurityHeaders.forConsoleFiles());
        for (Resource file : new PathMatchingResourcePatternResolver()
                .getResources(IotmpApiAutoConfiguration.CONSOLE_FILES + "*")) {
            String name = file.getFilename();
            if (name != null && !name.isEmpty() && !"index.html".equals(name)) {
                registration.addUrlPatterns(properties.consolePath() + name);
            }
        }
        registration.addUrlPatterns("/webjars/xterm/*");
        registration.setOrder(BROWSER_HEADERS_ORDER);
        return registration;
    }

    /** Cross-origin requests from the pages of {@code cors-allowed-origins} ({@link ApiCors}); none if it is empty. */
    @Bean
    FilterRegistrationBean<CorsFilter> iotmpApiCorsFilter(ObjectMapper json) {
        FilterRegistrationBean<CorsFilter> registration =
                onApiPaths(ApiCors.filter(properties.corsAllowedOrigins(), json), CORS_ORDER);
        registration.setEnabled(!properties.corsAllowedOrigins().isEmpty());
        return registration;
    }

    /** 503 instead of 404 while Camel's routes of the API are not running: at start-up and at shutdown. */
    @Bean
    FilterRegistrationBean<ApiReadinessFilter> iotmpApiReadinessFilter(CamelContext camel, ObjectMapper json) {
        return onApiPaths(new ApiReadinessFilter(camel, json), READINESS_ORDER);
    }

    /** The tokens of the configuration, unless the application has a store of its own. */
    @Bean
    @ConditionalOnMissingBean(AccessTokenStore.class)
    HashedTokenStore iotmpApiTokens() {
        HashedTokenStore store = new HashedTokenStore(
                properties.tokens().stream().map(IotmpApiProperties.Token::toEntry).toList());
        if (store.size() == 0) {
            LOG.warn("The device API has no access tokens ({}.tokens): every call is refused with 401",
                    IotmpApiProperties.PREFIX);
        }
        return store;
    }

    @Bean
    AuthFailureLimiter iotmpApiAuthFailures() {
        return new AuthFailureLimiter(properties.maxAuthFailures(), properties.authFailureWindow(),
                properties.maxTrackedAddresses(), System::nanoTime);
    }

    /** The single-use tickets that stand for a token in a URL the console opens: {@code ticket-ttl}, …. */
    @Bean
    AccessTickets iotmpApiTickets() {
        return new AccessTickets(properties.ticketTtl(), properties.maxTickets(), properties.maxTicketsPerUser(),
                System::nanoTime);
    }

    /** Every call of the API needs an access token that reaches what it asks for. */
    @Bean
    FilterRegistrationBean<ApiAccessFilter> iotmpApiAccessFilter(AccessTokenStore tokens,
                                                                  AuthFailureLimiter failures, ObjectMapper json,
                                                                  AccessTickets tickets) {
        return onApiPaths(new ApiAccessFilter(tokens, failures, json, tickets), ACCESS_ORDER);
    }

    /** The bytes of request bodies held while they arrive: {@code body-read-buffer}. */
    @Bean
    BodyReadBuffer iotmpBodyReadBuffer() {
        return new BodyReadBuffer(properties.bodyReadBuffer().toBytes());
    }

    /** Admits request bodies within the limits, before anything else reads them. */
    @Bean
    FilterRegistrationBean<RequestBodyFilter> iotmpRequestBodyFilter(BodyReadBuffer bodies, ObjectMapper json) {
        return onApiPaths(new RequestBodyFilter(properties, bodies, json), REQUEST_BODY_ORDER);
    }

    private static <F extends jakarta.servlet.Filter> FilterRegistrationBean<F> onApiPaths(F filter, int order) {
        FilterRegistrationBean<F> registration = new FilterRegistrationBean<>(filter);
        registration.addUrlPatterns(IotmpApiAutoConfiguration.API_PATHS);
        registration.setAsyncSupported(true);
        registration.setOrder(order);
        return registration;
    }
}
