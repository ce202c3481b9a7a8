package io.cameliotmp.server;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.session.Answers;
import io.cameliotmp.protocol.session.ServiceCode;

/**
 * The device's own calls (docs/protocol.md §8): a RUN of a server service in either wire layout (§8.2) or of a named
 * server resource, handed to the route or built-in service that handles it and answered with its result; and the
 * device's DESCRIBE of the server. Runs on the connection's executor; handlers may finish on any thread.
 * <p>
 * Keeps nothing between calls, so it is a set of functions of the connection rather than an object each connection
 * holds for as long as its device stays.
 */
final class DeviceCallDispatcher {

    private DeviceCallDispatcher() {
    }

    static boolean onRun(DeviceConnection connection, IotmpMessage run) {
        SessionContext context = connection.context();
        DeviceCall call = callOf(connection, run);
        if (call == null) {
            return true; // answered with the reason
        }
        DeviceCallHandler handler = context.callHandler(call);
        if (handler == null) {
            connection.replyError(run, 404, call.service() == null
                    ? "no server resource '" + call.target() + "'"
                    : "nothing handles " + call.service().uriName() + " '" + call.target() + "'");
            return true;
        }
        FlowControl flow = connection.flow();
        long weight = flow.handling(); // the call's input is held until the handler completes
        flow.deliveryStarted(weight);
        CompletionStage<Object> result;
        try {
            result = handler.handle(call);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((value, failure) -> {
            flow.deliveryEnded(weight);
            if (run.hasStreamId()) {
                connection.runOnExecutor(() -> answer(connection, run, call, value, failure));
            }
        });
        return true;
    }

    /**
     * The call a RUN makes: a service code in RESOURCE with the target in PARAMETERS (IOTMP-Linux), a known service
     * code in PARAMETERS with the target in RESOURCE (IOTMP-Embedded), else a named server resource. Null, after
     * answering ERROR, when the RUN names nothing that can be called.
     */
    private static DeviceCall callOf(DeviceConnection connection, IotmpMessage run) {
        Object resource = run.resource();
        Object parameters = run.parameters();
        DeviceCall call;
        if (resource instanceof Number code) {
            ServiceCode service = ServiceCode.ofCode(code.longValue());
            if (service == null) {
                connection.replyError(run, 404, "unknown service code " + resource);
                return null;
            }
            call = new DeviceCall(connection.registration(), service, targetOf(parameters), run.payload(),
                    run.hasStreamId());
        } else if (parameters instanceof Number code && ServiceCode.ofCode(code.longValue()) != null) {
            call = new DeviceCall(connection.registration(), ServiceCode.ofCode(code.longValue()), run.resourcePath(),
                    run.payload(), run.hasStreamId());
        } else {
            String path = run.resourcePath();
            if (path == null) {
                connection.replyError(run, 400, "RUN without a resource");
                return null;
            }
            return DeviceNames.accepted(connection, run, "resource", path)
                    ? new DeviceCall(connection.registration(), null, path, run.payload(), run.hasStreamId()) : null;
        }
        if (call.target() == null) {
            connection.replyError(run, 400, call.service() + " without a target name");
            return null;
        }
        return DeviceNames.accepted(connection, run, "target", call.target()) ? call : null;
    }

    private static void answer(DeviceConnection connection, IotmpMessage run, DeviceCall call, Object value,
                               Throwable failure) {
        if (failure != null) {
            Throwable cause = Answers.unwrap(failure);
            int status = cause instanceof DeviceCallException refused ? refused.status() : 500;
            connection.replyError(run, status, Answers.messageOf(cause));
        } else {
            boolean withPayload = call.service() == null || call.service().answersWithPayload();
            connection.write(IotmpMessage.ok(run.streamId(), withPayload ? value : null));
        }
    }

    /** Service targets are a name, or for CALL_DEVICE an array {@code [device, resource]} read as a path. */
    private static String targetOf(Object parameters) {
        if (parameters instanceof String s) {
            return s;
        }
        if (parameters instanceof List<?> parts && !parts.isEmpty()) {
            StringBuilder path = new StringBuilder();
            for (Object part : parts) {
                path.append(path.length() > 0 ? "/" : "").append(part);
            }
            return path.toString();
        }
        return null;
    }

    static boolean onDescribe(DeviceConnection connection, IotmpMessage describe) {
        if (describe.hasStreamId()) {
            connection.write(IotmpMessage.ok(describe.streamId(), connection.context().describeServerResources()));
        }
        return describe.hasStreamId();
    }
}
