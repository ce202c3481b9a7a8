package io.cameliotmp.server;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.session.Answers;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The login of a connection (docs/protocol.md §5.1): the CONNECT deadline, reading the CONNECT (generation,
 * credentials, keep-alive), asking the authenticator, and answering OK or ERROR. Runs on the connection's executor.
 */
final class ConnectHandshake {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectHandshake.class);

    /** The largest keep-alive a device may ask for, in seconds. */
    static final int MAX_KEEP_ALIVE_SECONDS = 1800;
    private static final String IDLE_HANDLER = "idle";

    private final DeviceConnection connection;
    private final SessionContext context;
    private final IotmpServerConfig config;
    private final ConnectionCodec codec;
    private ScheduledFuture<?> deadline;

    ConnectHandshake(DeviceConnection connection, SessionContext context, ConnectionCodec codec) {
        this.connection = connection;
        this.context = context;
        this.config = context.config();
        this.codec = codec;
    }

    /** The channel is active: the device has {@code connectTimeout} to send its CONNECT. */
    void awaitConnect() {
        deadline = connection.channel().eventLoop().schedule(() -> connection.runOnExecutor(() -> {
            if (connection.state() == DeviceConnection.State.AWAITING_CONNECT) {
                connection.closeNow("no CONNECT within " + config.connectTimeout().toMillis() + " ms");
            }
        }), config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    /** The first message of a connection must be its CONNECT. */
    void onFirstMessage(IotmpMessage message) {
        if (message.type() != MessageType.CONNECT) {
            connection.closeNow(ForeignBytes.refuseFirstFrame(context, connection.remoteAddress(), message.type()));
            return;
        }
        cancelDeadline();
        Generation generation = generationOf(message);
        codec.generation(generation);
        if (!(message.payload() instanceof List<?> credentials) || credentials.size() != 3
                || !(credentials.get(0) instanceof String user) || !(credentials.get(1) instanceof String device)
                || !(credentials.get(2) instanceof String credential)) {
            refuse(message, null, "CONNECT payload is not [user, device, credential]", null);
            return;
        }
        // identifiers bounded before anything about them is stored or logged
        String invalid = context.connectValidation().check(connection.remoteAddress(), user, device, credential);
        if (invalid != null) {
            refuse(message, null, invalid, null);
            return;
        }
        long asked = keepAliveOf(message.parameters());
        if (asked <= 0 || asked > MAX_KEEP_ALIVE_SECONDS) {
            context.connectValidation().badKeepAlive(connection.remoteAddress(), user, device);
            refuse(message, 3, "invalid keep-alive " + keepAliveText(message.parameters()), null);
            return;
        }
        int keepAlive = (int) asked;
        AuthRequest request = new AuthRequest(user, device, credential, connection.remoteAddress(), generation,
                message.parameters());
        ConnectionGuard.Block block = context.guard().deviceBlock(request.deviceId(), connection.remoteAddress());
        if (block != ConnectionGuard.Block.NONE) {
            AuthDecision blocked = AuthDecision.refuse("too many failed authentications of this device");
            // once per block: its retries are counted (iotmp.refusals) and logged within the refusal log's rate, but
            // an application that logs every event (iotmp:events) must not log at the rate a guesser retries
            if (block == ConnectionGuard.Block.NEW) {
                context.authenticationRefused(request, blocked);
            }
            refuse(message, null, blocked.reason(), null);
            return;
        }
        connection.authenticating();
        CompletionStage<AuthDecision> decision;
        try {
            DeviceAuthenticator authenticator = config.authenticator();
            decision = authenticator != null
                    ? authenticator.authenticate(request)
                    : CompletableFuture.completedFuture(AuthDecision.refuse("no authenticator configured"));
        } catch (RuntimeException e) {
            decision = CompletableFuture.failedFuture(e);
        }
        decision.whenComplete((result, failure) -> connection.runOnExecutor(
                () -> decided(message, request, keepAlive, result, failure)));
    }

    /** The PSON generation: {@code pv} if a client ever sends it, else the wire type of the CONNECT's PSON fields. */
    private static Generation generationOf(IotmpMessage connect) {
        if (connect.parameters() instanceof Map<?, ?> params && params.get("pv") instanceof Number pv) {
            return pv.intValue() == 0 ? Generation.GEN1 : Generation.GEN2;
        }
        return connect.psonWireType() == 1 ? Generation.GEN1 : Generation.GEN2;
    }

    /**
     * The keep-alive the CONNECT asks for, in seconds: {@code ka} when it is a whole number of {@code long} range (PSON
     * decodes an integral float as an integer, so a float here has a fraction), the server's default without one, and
     * -1 for any other {@code ka}. Read with {@code intValue()}, 2^32 + 60 wrapped to 60 and 600.5 was cut to 600: a
     * device that asked for a keep-alive outside 1–1800, or for no number at all, was granted one inside.
     */
    private long keepAliveOf(Object parameters) {
        Object ka = parameters instanceof Map<?, ?> params ? params.get("ka") : null;
        if (ka == null) {
            return Math.max(1, config.defaultKeepAlive().toSeconds());
        }
        return ka instanceof Long || ka instanceof Integer ? ((Number) ka).longValue() : -1;
    }

    /** A refused {@code ka} for the refusal's reason: a number as it came, bounded; not the device's text. */
    private static String keepAliveText(Object parameters) {
        Object ka = parameters instanceof Map<?, ?> params ? params.get("ka") : null;
        return ka == null ? "(the default)" : ka instanceof Number ? String.valueOf(ka) : "(not a number)";
    }

    private void decided(IotmpMessage connect, AuthRequest request, int keepAlive, AuthDecision decision,
                         Throwable failure) {
        if (connection.state() != DeviceConnection.State.AUTHENTICATING || !connection.channel().isActive()) {
            return;
        }
        if (failure != null || decision == null) {
            // rate-limited: a peer whose credentials make the authenticator throw causes one per attempt
            context.refusalLog().authenticatorFailed(LOG, request, failure);
            // the reason reaches iotmp:events, and a failure's message may quote the peer's credentials
            decision = AuthDecision.refuse("authenticator failed: " + (failure == null ? "no decision"
                    : RefusalLog.shown(Answers.unwrap(failure), RefusalLog.MAX_REASON_SHOWN)));
        }
        if (!decision.accepted()) {
            boolean badCredentials = decision.code() != null
                                     && decision.code() == AuthDecision.CODE_BAD_CREDENTIALS;
            if (failure != null || badCredentials) {
                context.guard().authenticationFailed(connection.remoteAddress(), request.deviceId());
            }
            context.authenticationRefused(request, decision);
            refuse(connect, decision.code(), decision.reason(), decision.payload());
            return;
        }
        connection.activated(new DeviceRegistration(request.deviceId(), context.nextSessionNumber(),
                connection.remoteAddress(), context.connectionTime(request.deviceId()), codec.generation(),
                keepAlive));
        // registered before the OK so the device is callable as soon as it knows it is connected; calls from other
        // threads queue on this executor and are written after the OK, which must be the very next frame
        context.register(connection);
        // full frame size from now on, and no longer counted as unauthenticated
        codec.authenticated();
        connection.write(IotmpMessage.ok(connect.streamId()));
        Duration idle = IotmpServerConfig.idleTimeout(keepAlive);
        // on the I/O thread: from a worker, Netty would keep a task holder per handler for the connection's lifetime
        connection.runOnIoThread(() -> {
            ChannelPipeline pipeline = connection.channel().pipeline();
            if (pipeline.context(connection.handlerName()) == null) {
                return; // the device reset right after its OK: the pipeline is already torn down
            }
            pipeline.addBefore(connection.handlerName(), IDLE_HANDLER,
                    new IdleStateHandler(idle.toMillis(), 0, 0, TimeUnit.MILLISECONDS));
            connection.channel().config().setAutoRead(true);
        });
        context.announce(connection);
    }

    private void refuse(IotmpMessage connect, Integer code, String reason, Object payload) {
        connection.refused(reason);
        context.refusalLog().refused(LOG, connect.payload(), connection.remoteAddress(), reason);
        connection.write(IotmpMessage.error(connect.streamId(), code, payload))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
