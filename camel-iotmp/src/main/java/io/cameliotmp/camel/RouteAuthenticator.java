package io.cameliotmp.camel;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.cameliotmp.server.AuthDecision;
import io.cameliotmp.server.AuthRequest;
import io.cameliotmp.server.DeviceAuthenticator;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;

/**
 * Authenticates devices with a Camel endpoint, so the decision can come from a database, a REST service or any
 * route. The exchange carries the credential as body and the user, device and remote address as headers; the
 * answer is a boolean (false = bad credentials) or an {@link AuthDecision}. An exception refuses the device.
 */
public final class RouteAuthenticator implements DeviceAuthenticator {

    private final CamelContext context;
    private final String endpointUri;
    private volatile ProducerTemplate template;

    public RouteAuthenticator(CamelContext context, String endpointUri) {
        this.context = Objects.requireNonNull(context, "context");
        this.endpointUri = Objects.requireNonNull(endpointUri, "endpointUri");
    }

    @Override
    public CompletionStage<AuthDecision> authenticate(AuthRequest request) {
        Exchange exchange = new DefaultExchange(context, ExchangePattern.InOut);
        exchange.getMessage().setBody(request.credential());
        exchange.getMessage().setHeader(IotmpConstants.USER, request.user());
        exchange.getMessage().setHeader(IotmpConstants.DEVICE, request.device());
        exchange.getMessage().setHeader(IotmpConstants.REMOTE_ADDRESS, String.valueOf(request.remoteAddress()));
        exchange.getMessage().setHeader(IotmpConstants.GENERATION, request.generation().name());
        return template().asyncSend(endpointUri, exchange).thenCompose(done -> {
            if (done.getException() != null) {
                return CompletableFuture.failedFuture(done.getException());
            }
            Object answer = done.getMessage().getBody();
            if (answer instanceof AuthDecision decision) {
                return CompletableFuture.completedFuture(decision);
            }
            Boolean accepted = done.getContext().getTypeConverter().convertTo(Boolean.class, done, answer);
            return CompletableFuture.completedFuture(
                    Boolean.TRUE.equals(accepted) ? AuthDecision.accept() : AuthDecision.badCredentials());
        });
    }

    private ProducerTemplate template() {
        ProducerTemplate t = template;
        if (t == null) {
            synchronized (this) {
                t = template;
                if (t == null) {
                    t = context.createProducerTemplate();
                    template = t;
                }
            }
        }
        return t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RouteAuthenticator other && other.context == context
               && other.endpointUri.equals(endpointUri);
    }

    @Override
    public int hashCode() {
        return endpointUri.hashCode();
    }

    @Override
    public String toString() {
        return "RouteAuthenticator[" + endpointUri + "]";
    }
}
