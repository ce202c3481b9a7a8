package io.cameliotmp.camel;

import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.management.JMException;
import javax.management.ObjectName;

import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerManager;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ManagementAgent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers an {@link IotmpManagedServer} for every server the component starts, and unregisters it when the server
 * stops, through the context's management agent; does nothing when the context has no JMX (camel-management absent
 * or disabled).
 */
final class IotmpServerMBeans implements IotmpServerManager.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(IotmpServerMBeans.class);

    private final CamelContext context;
    private final Map<IotmpServer, ObjectName> registered = new ConcurrentHashMap<>();

    IotmpServerMBeans(CamelContext context) {
        this.context = context;
    }

    /**
     * {@code org.apache.camel:context=<management name>,type=iotmp,name="host:port"}, with the port the server bound
     * (two servers configured with port 0 each get their own name).
     */
    static ObjectName objectName(CamelContext context, ManagementAgent agent, IotmpServer server)
            throws JMException {
        Hashtable<String, String> keys = new Hashtable<>();
        keys.put("context", ObjectName.quote(context.getManagementName()));
        keys.put("type", "iotmp");
        keys.put("name", ObjectName.quote(ServerViews.address(server)));
        return new ObjectName(agent.getMBeanObjectDomainName(), keys);
    }

    private ManagementAgent agent() {
        return context.getManagementStrategy() != null ? context.getManagementStrategy().getManagementAgent() : null;
    }

    @Override
    public void serverStarted(IotmpServer server) {
        ManagementAgent agent = agent();
        if (agent == null) {
            return;
        }
        try {
            ObjectName name = objectName(context, agent, server);
            agent.register(new IotmpManagedServer(server), name);
            registered.put(server, name);
        } catch (JMException e) {
            LOG.warn("Cannot register the JMX view of {}: {}", server, e.toString());
        }
    }

    @Override
    public void serverStopping(IotmpServer server) {
        ObjectName name = registered.remove(server);
        ManagementAgent agent = agent();
        if (name == null || agent == null) {
            return;
        }
        try {
            agent.unregister(name);
        } catch (JMException e) {
            LOG.debug("Cannot unregister {}: {}", name, e.toString());
        }
    }
}
