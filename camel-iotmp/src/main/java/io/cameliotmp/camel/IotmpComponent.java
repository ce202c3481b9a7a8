package io.cameliotmp.camel;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

import io.cameliotmp.micrometer.MicrometerClasspath;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerManager;
import io.cameliotmp.server.ServerMetrics;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.SSLContextParametersAware;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.util.URISupport;

/**
 * The iotmp component: IOTMP devices connect to an embedded Netty server and routes call their resources, host
 * resources for them, and receive their streams, service calls and lifecycle events.
 */
@Component("iotmp")
public class IotmpComponent extends DefaultComponent implements SSLContextParametersAware {

    static {
        // deviceCredentials is masked wherever Camel shows an endpoint URI
        UriSecrets.register();
    }

    /**
     * Camel Main masks the {@code deviceCredentials} property in its start-up summary: see
     * {@link UriSecrets#maskInSummaries}.
     */
    @Override
    public void setCamelContext(CamelContext context) {
        super.setCamelContext(context);
        UriSecrets.maskInSummaries(context);
    }

    @Metadata(description = "Default options of the embedded servers and endpoints; endpoint URIs override them.")
    private IotmpConfiguration configuration = new IotmpConfiguration();

    @Metadata(label = "security", defaultValue = "false",
              description = "Use the global SSL context parameters of the Camel context when an endpoint sets no"
                            + " sslContextParameters.")
    private boolean useGlobalSslContextParameters;

    @Metadata(label = "advanced", defaultValue = "true",
              description = "Publish server metrics to Micrometer when it is on the classpath and the registry holds"
                            + " exactly one MeterRegistry (as with camel-micrometer or Spring Boot actuator), and"
                            + " register the iotmp health check when the context has health checks enabled.")
    private boolean metricsEnabled = true;

    private final IotmpServerManager servers = new IotmpServerManager();
    private final ServerStarts starts = new ServerStarts();
    private ServerMetrics.Factory metricsFactory;
    private IotmpHealthCheck healthCheck;
    private IotmpServerMBeans mbeans;
    private ConfigurationBeanBinding binding;
    private DurationSpellings componentDurations;
    private DurationSpellings endpointDurations;

    /**
     * The Netty context of each SSL configuration object on each server address, so that endpoints of a running
     * server configured with the same parameters produce equal server configurations and share it.
     */
    private final Map<SslKey, SslContext> sslContexts = new HashMap<>();

    private record SslKey(SSLContextParameters parameters, ClientAuth clientAuth, String address) {
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        int colon = remaining.indexOf(':');
        String kindText = colon < 0 ? remaining : remaining.substring(0, colon);
        String path = colon < 0 ? null : remaining.substring(colon + 1);
        IotmpEndpointKind kind;
        try {
            kind = IotmpEndpointKind.valueOf(kindText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown iotmp endpoint kind '" + kindText + "' in "
                                               + URISupport.sanitizeUri(uri)
                                               + "; expected device, server, service, events, topic or serverEvent"
                                               + colonHint(kindText), e);
        }
        IotmpEndpoint endpoint = new IotmpEndpoint(uri, this, kind, path, configuration.copy());
        setProperties(endpoint, parameters);
        endpoint.validate();
        return endpoint;
    }

    /**
     * Takes a reference on the server an endpoint's configuration describes, starting it if needed, for
     * {@code owner} (a consumer or producer of the endpoint). The health check sees the start while it goes on, and
     * its failure until the owner starts it or the endpoint leaves the context (its route removed): Camel stops a
     * consumer whose start failed, and a supervising route controller starts it again later.
     */
    IotmpServerManager.Handle acquireServer(Object owner, IotmpEndpoint endpoint) throws Exception {
        IotmpConfiguration endpointConfiguration = endpoint.getConfiguration();
        String address = endpointConfiguration.getHost() + ":" + endpointConfiguration.getPort();
        starts.starting(owner, endpoint, address);
        try {
            SSLContextParameters ssl = endpointConfiguration.getSslContextParameters();
            if (ssl == null && useGlobalSslContextParameters) {
                ssl = retrieveGlobalSslContextParameters();
            }
            ClientAuth clientAuth = endpointConfiguration.getClientAuth();
            if (ssl == null && clientAuth != ClientAuth.NONE) {
                // else the server would run plain TCP while its configuration reads as if certificates were required
                throw new IllegalArgumentException("clientAuth=" + clientAuth + " needs TLS: set sslContextParameters"
                                                   + " (or useGlobalSslContextParameters with the context's SSL"
                                                   + " parameters); without it no device presents a certificate");
            }
            IotmpServerManager.Handle handle;
            if (ssl == null) {
                handle = startOrJoin(endpointConfiguration, null);
            } else {
                // one at a time, so that endpoints starting together on a server not running yet share its context
                synchronized (sslContexts) {
                    handle = startOrJoin(endpointConfiguration, sslContext(ssl, clientAuth, endpointConfiguration));
                }
            }
            starts.started(owner, endpoint);
            return handle;
        } catch (Exception | Error e) {
            starts.failed(owner, endpoint, address, e);
            throw e;
        }
    }

    private IotmpServerManager.Handle startOrJoin(IotmpConfiguration endpointConfiguration, SslContext sslContext) {
        // the component's requestTimeout, not the endpoint's: endpoints of one server may each set their own
        return servers.acquire(endpointConfiguration.toServerConfig(getCamelContext(), sslContext, metrics(),
                Duration.ofMillis(configuration.getRequestTimeout())));
    }

    /**
     * For {@code iotmp://device/demo/device-1/led}, the URI a user wrote the way many components' URIs go: the kind
     * is followed by a colon, not a slash, and saying so beats a list of kinds the user's one is already on.
     */
    private static String colonHint(String kindText) {
        int slash = kindText.indexOf('/');
        if (slash > 0) {
            String first = kindText.substring(0, slash);
            for (IotmpEndpointKind kind : IotmpEndpointKind.values()) {
                if (kind.name().equals(first)) {
                    return "; the kind ends with a colon: iotmp:" + first + ":" + kindText.substring(slash + 1);
                }
            }
        }
        return "";
    }

    /** Resolved once, so every endpoint's server configuration carries the same factory and servers can be shared. */
    private synchronized ServerMetrics.Factory metrics() {
        if (metricsFactory == null) {
            metricsFactory = metricsEnabled && MicrometerClasspath.present()
                    ? MicrometerLookup.factory(getCamelContext()) : ServerMetrics.Factory.NONE;
        }
        return metricsFactory;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        // again: keywords the application set after this component was created replaced these
        UriSecrets.maskInSummaries(getCamelContext());
        mbeans = new IotmpServerMBeans(getCamelContext());
        servers.addListener(mbeans);
        healthCheck = IotmpHealthCheckSupport.register(getCamelContext(), metricsEnabled,
                () -> new IotmpHealthCheck(this));
    }

    /**
     * The TLS context of the server of {@code endpoint}: the one its server runs with, when it runs with the context
     * of these parameters, so that the endpoint's configuration equals the server's; otherwise made anew, reading the
     * key and trust stores again. A server started again (its routes restarted after a certificate was renewed) takes
     * the stores as they are now, not as they were when the component first read them. Under the lock of
     * {@link #sslContexts}.
     */
    private SslContext sslContext(SSLContextParameters parameters, ClientAuth clientAuth,
                                  IotmpConfiguration endpoint) throws Exception {
        SslKey key = new SslKey(parameters, clientAuth, endpoint.getHost() + ":" + endpoint.getPort());
        SslContext context = sslContexts.get(key);
        IotmpServer running = servers.find(endpoint.getHost(), endpoint.getPort());
        if (context == null || running == null || running.config().sslContext() != context) {
            SSLContext jdk = parameters.createSSLContext(getCamelContext());
            context = NettySslContexts.of(jdk, false, clientAuth);
            sslContexts.put(key, context);
        }
        return context;
    }

    /**
     * The generated configurer, binding the options set with a {@code configuration} bean onto the bean and refusing
     * the text of a duration Camel would misread.
     */
    @Override
    public synchronized PropertyConfigurer getComponentPropertyConfigurer() {
        componentDurations = DurationSpellings.around(componentDurations, super.getComponentPropertyConfigurer(),
                IotmpConfiguration.class);
        binding = ConfigurationBeanBinding.around(binding, componentDurations);
        return binding;
    }

    /** The generated configurer, refusing the text of a duration Camel would misread. */
    @Override
    public synchronized PropertyConfigurer getEndpointPropertyConfigurer() {
        endpointDurations = DurationSpellings.around(endpointDurations, super.getEndpointPropertyConfigurer(),
                IotmpConfiguration.class);
        return endpointDurations;
    }

    IotmpServerManager servers() {
        return servers;
    }

    ServerStarts serverStarts() {
        return starts;
    }

    @Override
    protected void doStop() throws Exception {
        IotmpHealthCheckSupport.unregister(getCamelContext(), healthCheck);
        healthCheck = null;
        starts.clear();
        servers.stopAll();
        if (mbeans != null) {
            servers.removeListener(mbeans);
            mbeans = null;
        }
        super.doStop();
    }

    public boolean isMetricsEnabled() {
        return metricsEnabled;
    }

    public void setMetricsEnabled(boolean metricsEnabled) {
        this.metricsEnabled = metricsEnabled;
    }

    @Override
    public boolean isUseGlobalSslContextParameters() {
        return useGlobalSslContextParameters;
    }

    @Override
    public void setUseGlobalSslContextParameters(boolean useGlobalSslContextParameters) {
        this.useGlobalSslContextParameters = useGlobalSslContextParameters;
    }

    public IotmpConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(IotmpConfiguration configuration) {
        this.configuration = configuration;
    }
}
