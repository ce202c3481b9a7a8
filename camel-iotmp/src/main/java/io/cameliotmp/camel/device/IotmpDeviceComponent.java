package io.cameliotmp.camel.device;

import java.util.Map;
import java.util.concurrent.ExecutorService;

import io.cameliotmp.camel.ConfigurationBeanBinding;
import io.cameliotmp.camel.DurationSpellings;
import io.cameliotmp.camel.IotmpHealthCheckSupport;
import io.cameliotmp.camel.UriSecrets;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.SSLContextParametersAware;
import org.apache.camel.StartupListener;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;

/**
 * The iotmp-device component: the Camel application is an IOTMP device. It connects to an IOTMP server (Thinger.io,
 * or camel-iotmp's own) as a user's device, its routes are that device's resources, and producers call the server's
 * services.
 */
@Component("iotmp-device")
public class IotmpDeviceComponent extends DefaultComponent implements SSLContextParametersAware {

    static {
        // its credential is masked wherever Camel shows an endpoint URI
        UriSecrets.register();
    }

    /**
     * Camel Main masks the {@code credential} property in its start-up summary: see
     * {@link UriSecrets#maskInSummaries}.
     */
    @Override
    public void setCamelContext(CamelContext context) {
        super.setCamelContext(context);
        UriSecrets.maskInSummaries(context);
    }

    @Metadata(description = "Default options of the device connections and endpoints; endpoint URIs override them.")
    private IotmpDeviceConfiguration configuration = new IotmpDeviceConfiguration();

    @Metadata(label = "security", defaultValue = "false",
              description = "With tls=true and no sslContextParameters, use the global SSL context parameters of the"
                            + " Camel context.")
    private boolean useGlobalSslContextParameters;

    @Metadata(label = "advanced", defaultValue = "true",
              description = "Register the iotmp-device readiness check, DOWN while a device connection is not"
                            + " connected, when the context has health checks enabled.")
    private boolean healthCheckEnabled = true;

    private final DeviceConnections connections = new DeviceConnections();
    private IotmpDeviceHealthCheck healthCheck;
    private ExecutorService replies;
    private ConfigurationBeanBinding binding;
    private DurationSpellings componentDurations;
    private DurationSpellings endpointDurations;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        IotmpDeviceEndpoint endpoint = new IotmpDeviceEndpoint(uri, this, remaining, configuration.copy());
        setProperties(endpoint, parameters);
        endpoint.validate();
        return endpoint;
    }

    /** The connection an endpoint names, with {@code attachment} made before it connects. */
    SharedDevice acquire(IotmpDeviceConfiguration endpointConfiguration, DeviceConnections.Attachment attachment)
            throws Exception {
        return connections.acquire(getCamelContext(), settings(endpointConfiguration), attachment);
    }

    ConnectionSettings settings(IotmpDeviceConfiguration endpointConfiguration) {
        return ConnectionSettings.of(endpointConfiguration,
                useGlobalSslContextParameters ? retrieveGlobalSslContextParameters() : null);
    }

    void release(SharedDevice shared) {
        connections.release(shared);
    }

    DeviceConnections connections() {
        return connections;
    }

    /** Where producers continue their exchanges: off the device's event loop and off its resource thread. */
    ExecutorService replies() {
        return replies;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        // again: keywords the application set after this component was created replaced these
        UriSecrets.maskInSummaries(getCamelContext());
        replies = newRepliesPool();
        getCamelContext().addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
                if (alreadyStarted) {
                    connections.contextStarted(); // a component started after the context: routes are up
                }
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                connections.contextStarted();
            }
        });
        healthCheck = IotmpHealthCheckSupport.register(getCamelContext(), healthCheckEnabled,
                () -> new IotmpDeviceHealthCheck(connections));
    }

    /**
     * The reply threads: the pool size of Camel's default profile, with a queue that takes every task. Not the default
     * pool itself: it runs a task it cannot take on the thread that hands it over, which is a device's event loop when
     * the server's answer arrives, and the rest of the route would then hold every read and write of that device. The
     * queue holds at most one task per producer exchange waiting for the server, so the application's own callers
     * bound it; the server cannot add to it.
     */
    private ExecutorService newRepliesPool() {
        ExecutorServiceManager manager = getCamelContext().getExecutorServiceManager();
        ThreadPoolProfile profile = manager.getDefaultThreadPoolProfile().clone();
        profile.setId("iotmp-device-replies");
        profile.setDefaultProfile(false);
        profile.setMaxQueueSize(Integer.MAX_VALUE); // not -1 nor 0: Camel hands tasks over without a queue then
        profile.setRejectedPolicy(ThreadPoolRejectedPolicy.Abort);
        return manager.newThreadPool(this, "IotmpDeviceReplies", profile);
    }

    @Override
    protected void doStop() throws Exception {
        IotmpHealthCheckSupport.unregister(getCamelContext(), healthCheck);
        healthCheck = null;
        connections.closeAll();
        if (replies != null) {
            getCamelContext().getExecutorServiceManager().shutdown(replies);
            replies = null;
        }
        super.doStop();
    }

    /**
     * The generated configurer, binding the options set with a {@code configuration} bean onto the bean and refusing
     * the text of a duration Camel would misread.
     */
    @Override
    public synchronized PropertyConfigurer getComponentPropertyConfigurer() {
        componentDurations = DurationSpellings.around(componentDurations, super.getComponentPropertyConfigurer(),
                IotmpDeviceConfiguration.class);
        binding = ConfigurationBeanBinding.around(binding, componentDurations);
        return binding;
    }

    /** The generated configurer, refusing the text of a duration Camel would misread. */
    @Override
    public synchronized PropertyConfigurer getEndpointPropertyConfigurer() {
        endpointDurations = DurationSpellings.around(endpointDurations, super.getEndpointPropertyConfigurer(),
                IotmpDeviceConfiguration.class);
        return endpointDurations;
    }

    public IotmpDeviceConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(IotmpDeviceConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    public boolean isUseGlobalSslContextParameters() {
        return useGlobalSslContextParameters;
    }

    @Override
    public void setUseGlobalSslContextParameters(boolean useGlobalSslContextParameters) {
        this.useGlobalSslContextParameters = useGlobalSslContextParameters;
    }

    public boolean isHealthCheckEnabled() {
        return healthCheckEnabled;
    }

    public void setHealthCheckEnabled(boolean healthCheckEnabled) {
        this.healthCheckEnabled = healthCheckEnabled;
    }
}
