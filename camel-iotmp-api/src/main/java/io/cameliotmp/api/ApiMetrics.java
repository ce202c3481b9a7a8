package io.cameliotmp.api;

import java.util.List;

import io.cameliotmp.api.access.AuthFailureLimiter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The API's bounded state as Micrometer gauges, next to the server's {@code iotmp.*} meters: how many byte sessions
 * are open ({@code camel.iotmp.api.max-sessions}), how many resource streams over WebSocket
 * ({@code camel.iotmp.api.max-websocket-streams}) and as Server-Sent Events ({@code max-sse-streams}), how many
 * downloads run ({@code camel.iotmp.api.max-downloads}) and how many client addresses the failure limiter remembers
 * ({@code camel.iotmp.api.max-tracked-addresses}); counters of the byte sessions closed because their client did
 * not read ({@code camel.iotmp.api.session-send-buffer}, {@code session-send-timeout}) and of the byte sessions and
 * WebSocket streams closed because nothing came from their client ({@code camel.iotmp.api.websocket-idle-timeout}),
 * of the resource streams and
 * device event subscriptions closed for that ({@code camel.iotmp.api.stream-send-timeout}), of the clients whose
 * connection was closed because they read nothing of an answer ({@code camel.iotmp.api.answer-write-timeout}), and
 * of the failed authentications refused (429) by the count that addresses beyond {@code max-tracked-addresses}
 * share; gauges of the answers being sent and their bytes ({@code camel.iotmp.api.answer-send-buffer}), with a
 * counter of the answers beyond that buffer, written with blocking writes; and a counter, by kind, of the places
 * (sessions, streams, downloads, uploads, firmware updates) refused because their user held its share of the cap
 * ({@code camel.iotmp.api.max-share-per-user}) and of the sessions and streams refused because their client address
 * held its bound of them ({@code camel.iotmp.api.max-streams-per-address}), with a gauge of the addresses holding some.
 */
final class ApiMetrics implements MeterBinder {

    private final DeviceSessionSocket sessions;
    private final DeviceStreamSocket streams;
    private final DeviceStreamController sseStreams;
    private final DeviceEvents events;
    private final FileDownloads downloads;
    private final AuthFailureLimiter failures;
    private final AnswerWriter answers;
    private final CallsInProgress calls;
    private final List<UserSlots> userSlots;
    private final AddressSlots streamsPerAddress;

    ApiMetrics(DeviceSessionSocket sessions, DeviceStreamSocket streams, DeviceStreamController sseStreams,
               DeviceEvents events, FileDownloads downloads, AuthFailureLimiter failures,
               AnswerWriter answers, CallsInProgress calls, List<UserSlots> userSlots,
               AddressSlots streamsPerAddress) {
        this.sessions = sessions;
        this.streams = streams;
        this.sseStreams = sseStreams;
        this.events = events;
        this.downloads = downloads;
        this.failures = failures;
        this.answers = answers;
        this.calls = calls;
        this.userSlots = List.copyOf(userSlots);
        this.streamsPerAddress = streamsPerAddress;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("iotmp.api.sessions", sessions, DeviceSessionSocket::openSessions)
                .description("Byte sessions ($terminal, $cmd, $proxy) open over WebSocket")
                .register(registry);
        FunctionCounter.builder("iotmp.api.sessions.slow.closed", sessions, DeviceSessionSocket::slowClientsClosed)
                .description("Byte sessions closed because their client did not read what the device sent")
                .register(registry);
        FunctionCounter.builder("iotmp.api.sessions.input.closed", sessions, DeviceSessionSocket::inputClientsClosed)
                .description("Byte sessions closed because their client sent faster than the device took it"
                             + " (session-input-buffer)")
                .register(registry);
        FunctionCounter.builder("iotmp.api.sessions.idle.closed", sessions, DeviceSessionSocket::idleClientsClosed)
                .description("Byte sessions closed because nothing came from their client for"
                             + " websocket-idle-timeout")
                .register(registry);
        Gauge.builder("iotmp.api.calls", calls, CallsInProgress::held)
                .description("Calls of the API's routes held: from the request until the answer is sent or dropped")
                .register(registry);
        Gauge.builder("iotmp.api.answers.sending", answers, AnswerWriter::sending)
                .description("Answers of API calls being sent, each held in memory until its client has taken it")
                .register(registry);
        Gauge.builder("iotmp.api.answers.bytes", answers, AnswerWriter::bytes)
                .description("Bytes of the answers being sent, held until their clients take them")
                .baseUnit("bytes")
                .register(registry);
        FunctionCounter.builder("iotmp.api.answers.blocking", answers, AnswerWriter::refused)
                .description("Answers beyond camel.iotmp.api.answer-send-buffer, written with blocking writes")
                .register(registry);
        FunctionCounter.builder("iotmp.api.answers.slow.closed", answers, AnswerWriter::slowClientsClosed)
                .description("Connections closed because their client read nothing of its answer in time")
                .register(registry);
        Gauge.builder("iotmp.api.websocket.streams", streams, DeviceStreamSocket::openStreams)
                .description("Resource streams open over WebSocket")
                .register(registry);
        Gauge.builder("iotmp.api.sse.streams", sseStreams, DeviceStreamController::openStreams)
                .description("Resource streams open as Server-Sent Events")
                .register(registry);
        FunctionCounter.builder("iotmp.api.websocket.streams.slow.closed", streams,
                        DeviceStreamSocket::slowClientsClosed)
                .description("Resource streams over WebSocket closed because their client did not read")
                .register(registry);
        FunctionCounter.builder("iotmp.api.websocket.streams.idle.closed", streams,
                        DeviceStreamSocket::idleClientsClosed)
                .description("Resource streams over WebSocket closed because nothing came from their client for"
                             + " websocket-idle-timeout")
                .register(registry);
        FunctionCounter.builder("iotmp.api.sse.streams.slow.closed", sseStreams,
                        DeviceStreamController::slowClientsClosed)
                .description("Resource streams as Server-Sent Events closed because their client did not read")
                .register(registry);
        FunctionCounter.builder("iotmp.api.event.streams.slow.closed", events, DeviceEvents::slowClientsClosed)
                .description("Device event subscriptions closed because their client did not read")
                .register(registry);
        Gauge.builder("iotmp.api.downloads", downloads, FileDownloads::running)
                .description("File downloads from devices running")
                .register(registry);
        Gauge.builder("iotmp.api.auth.tracked.addresses", failures, AuthFailureLimiter::tracked)
                .description("Client addresses whose failed authentications are being counted")
                .register(registry);
        FunctionCounter.builder("iotmp.api.auth.overflow.refused", failures, AuthFailureLimiter::overflowRefused)
                .description("Failed authentications of addresses beyond max-tracked-addresses answered 429, their"
                             + " shared count used up")
                .register(registry);
        for (UserSlots slots : userSlots) {
            FunctionCounter.builder("iotmp.api.user.share.refused", slots, UserSlots::refusedByShare)
                    .tag("kind", slots.kind().tag())
                    .description("Sessions, streams, downloads, uploads and firmware updates refused because their"
                                 + " user held max-share-per-user of the cap")
                    .register(registry);
            if (slots.countsAddresses()) {
                FunctionCounter.builder("iotmp.api.address.refused", slots, UserSlots::refusedByAddress)
                        .tag("kind", slots.kind().tag())
                        .description("Sessions and streams refused because their client address held"
                                     + " max-streams-per-address of them")
                        .register(registry);
            }
        }
        Gauge.builder("iotmp.api.streams.tracked.addresses", streamsPerAddress, AddressSlots::trackedAddresses)
                .description("Client addresses holding sessions or streams, counted for max-streams-per-address")
                .register(registry);
    }
}
