package io.cameliotmp.device;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.session.ServiceCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device's calls of server services (docs/protocol.md §8.1), encoded in the device's {@link ServiceLayout}
 * (§8.2), of named server resources, and the raw messages and requests they are made of.
 */
final class ServerServices {

    private static final Logger LOG = LoggerFactory.getLogger(ServerServices.class);

    private final IotmpDevice device;
    private final DeviceLoop loop;

    ServerServices(IotmpDevice device, DeviceLoop loop) {
        this.device = device;
        this.loop = loop;
    }

    /**
     * Calls {@code service} on {@code target} with {@code data}.
     *
     * @param confirm whether to wait for the server's OK; without it the stage completes with null once sent
     */
    CompletionStage<Object> call(ServiceCode service, Object target, Object data, boolean confirm) {
        if (device.serviceLayout() == ServiceLayout.EMBEDDED) {
            // code in PARAMETERS, target in RESOURCE, always with an id (the server answers even if nobody waits)
            IotmpMessage run = IotmpMessage.run(0, target, service.wireCode(), data);
            if (confirm) {
                return payloadOf(device.request(run));
            }
            CompletableFuture<Object> sent = new CompletableFuture<>();
            loop.run(sent, () -> {
                CompletableFuture<Void> written = new CompletableFuture<>();
                ClientConnection session = device.connectedSession();
                session.request(run, written).whenComplete((answer, error) -> {
                    if (answer == null || answer.type() != MessageType.ERROR) {
                        return;
                    }
                    // once a connection at WARN: a server refusing every call must not fill the application's log
                    if (!session.unconfirmedRefusalLogged) {
                        session.unconfirmedRefusalLogged = true;
                        LOG.warn("{}: unconfirmed {} {} refused (further refusals of this connection at DEBUG): {}",
                                device, service, target, answer);
                    } else {
                        LOG.debug("{}: unconfirmed {} {} refused: {}", device, service, target, answer);
                    }
                });
                DeviceLoop.propagate(written, sent);
            });
            loop.writeDeadline(sent, device.requestTimeoutMillis(), service + " " + target);
            return sent;
        }
        // LINUX: code in RESOURCE, target in PARAMETERS, an id only when an answer is wanted
        IotmpMessage run = IotmpMessage.run(0, service.wireCode(), target, data);
        if (confirm) {
            return payloadOf(device.request(run));
        }
        return device.send(run).thenApply(written -> null);
    }

    /** CALL_DEVICE, {@link IotmpDevice#callDevice}: only IOTMP-Linux has it. */
    CompletionStage<Object> callDevice(String target, String resource, Object input, boolean confirm) {
        if (device.serviceLayout() != ServiceLayout.LINUX) {
            throw new UnsupportedOperationException(
                    "CALL_DEVICE exists only in the LINUX service layout; IOTMP-Embedded devices have no such call");
        }
        List<Object> both = List.of(Objects.requireNonNull(target, "device"),
                Objects.requireNonNull(resource, "resource"));
        return call(ServiceCode.CALL_DEVICE, both, input, confirm);
    }

    /** {@link IotmpDevice#send}: the message as it is, within the request timeout. */
    CompletionStage<Void> send(IotmpMessage message) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        loop.run(sent, () -> DeviceLoop.propagate(device.connectedSession().write(message), sent));
        loop.writeDeadline(sent, device.requestTimeoutMillis(), message.type());
        return sent;
    }

    /** {@link IotmpDevice#request}: the message with a free stream id; completes with the server's answer. */
    CompletionStage<IotmpMessage> request(IotmpMessage message) {
        CompletableFuture<IotmpMessage> answer = new CompletableFuture<>();
        loop.run(answer, () -> DeviceLoop.propagate(device.connectedSession().request(message, null), answer));
        return answer;
    }

    /** A device → server RUN of a named resource, without service code. */
    CompletionStage<Object> runServerResource(String resource, Object input) {
        return payloadOf(device.request(IotmpMessage.run(0, resource, null, input)));
    }

    /** The payload of an OK; an ERROR fails the stage with {@link IotmpErrorException}. */
    private static CompletionStage<Object> payloadOf(CompletionStage<IotmpMessage> answer) {
        CompletableFuture<Object> payload = new CompletableFuture<>();
        answer.whenComplete((message, error) -> {
            if (error != null) {
                payload.completeExceptionally(error);
            } else if (message.type() == MessageType.ERROR) {
                payload.completeExceptionally(new IotmpErrorException(message.parameters(), message.payload()));
            } else {
                payload.complete(message.payload());
            }
        });
        return payload;
    }
}
