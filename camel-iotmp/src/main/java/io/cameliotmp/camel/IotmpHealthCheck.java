package io.cameliotmp.camel;

import java.util.List;
import java.util.Map;

import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.ServerCluster;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Readiness and liveness of the component's embedded servers: UP when every server routes use is listening, with
 * each server's connected devices as details. Registered only when the context has a health check registry.
 * <p>
 * A server a consumer or producer failed to start (its port taken, its cluster not joined) is DOWN until that
 * consumer or producer starts it or its route is removed: with a supervising route controller the context runs on
 * without the route. A server still starting is DOWN for readiness only: devices cannot connect yet, but a liveness
 * probe that restarted the application would only start it all over again.
 * <p>
 * A server being drained is DOWN for readiness only: it is alive and doing what it was told, and a liveness probe
 * that restarted the application would cut the drain short, its remaining devices all reconnecting at once instead of
 * at the drain's rate.
 */
final class IotmpHealthCheck extends IotmpHealthCheckSupport {

    private final IotmpComponent component;

    IotmpHealthCheck(IotmpComponent component) {
        super("iotmp");
        this.component = component;
    }

    @Override
    public Result call(Map<String, Object> options) {
        HealthCheckResultBuilder builder = HealthCheckResultBuilder.on(this).up();
        boolean liveness = options.get(CHECK_KIND) == Kind.LIVENESS;
        List<IotmpServer> servers = component.servers().running();
        builder.detail("servers", servers.size());
        for (ServerStarts.Attempt attempt : component.serverStarts().current(component.getCamelContext())) {
            String name = attempt.address();
            if (attempt.failed()) {
                builder.detail(name + ".failed", attempt.failure());
                builder.down().message("IOTMP server " + name + " failed to start: " + attempt.failure());
            } else if (!liveness && servers.stream()
                    .noneMatch(s -> name.equals(s.config().host() + ":" + s.config().port()))) {
                builder.detail(name + ".starting", true);
                builder.down().message("IOTMP server " + name + " is starting");
            }
        }
        for (IotmpServer server : servers) {
            String name = ServerViews.address(server);
            builder.detail(name + ".draining", server.isDraining());
            if (server.isDraining()) {
                // down on purpose: a load balancer or readiness probe sends no new device here
                if (!liveness) {
                    builder.down().message("IOTMP server " + name + " is draining");
                }
            } else if (!server.isRunning()) {
                builder.down().message("IOTMP server " + name + " is not listening");
            }
            builder.detail(name + ".devices", server.registry().size());
            ServerCluster cluster = server.config().cluster();
            if (cluster.clustered()) {
                int members = cluster.members().size();
                builder.detail(name + ".cluster.member", cluster.memberName());
                builder.detail(name + ".cluster.members", members);
                if (members == 0) {
                    builder.down().message("IOTMP server " + name + " is not a member of its cluster");
                }
            }
        }
        return builder.build();
    }
}
