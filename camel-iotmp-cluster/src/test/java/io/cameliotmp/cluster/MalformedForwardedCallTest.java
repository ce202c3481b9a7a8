package io.cameliotmp.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.IotmpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member that receives a malformed forwarded call (a member with a bug, or another version) answers it with a
 * failure at once, holds nothing for it, and goes on serving: the caller's call fails, never waits out its timeout.
 */
class MalformedForwardedCallTest {

    private final ClusterNodes nodes = new ClusterNodes();

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void malformedCallsFailAtOnceAndTheHolderGoesOnServing() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer caller = members.get(0);
        IotmpServer holder = members.get(1);
        nodes.device(holder, "sensor");
        DeviceId sensor = new DeviceId("alice", "sensor");
        DeviceRegistration there = holder.registry().registration(sensor).orElseThrow();
        long session = there.sessionNumber();
        byte[] valid = new ForwardedCall("alice", "sensor", session, new ForwardedRequest(ForwardedRequest.Kind.RUN,
                "temperature", null, null, 0, 0, 0), 30_000).toBytes();
        // a list in a list in a list…, 1,000 deep: one list header of one element again and again
        byte[] listOfOne = io.cameliotmp.protocol.PsonFormat.V2.toBytes(List.of(List.of()));
        byte[] empty = io.cameliotmp.protocol.PsonFormat.V2.toBytes(List.of());
        byte[] deepBytes = new byte[1_000 + empty.length];
        java.util.Arrays.fill(deepBytes, 0, 1_000, listOfOne[0]);
        System.arraycopy(empty, 0, deepBytes, 1_000, empty.length);
        List<byte[]> malformed = List.of(
                new byte[0],
                new byte[] {(byte) 0xff, (byte) 0xfe, 0x01, 0x7f},
                java.util.Arrays.copyOf(valid, valid.length / 2),
                ForwardedCall.encode(99L, "alice", "sensor", session, "temperature", null, null, 0L, 0L, 0L, 30_000L),
                ForwardedCall.encode(0L, 5L, "sensor", session, "temperature", null, null, 0L, 0L, 0L, 30_000L),
                ForwardedCall.encode(0L, null, null, session, "temperature", null, null, 0L, 0L, 0L, 30_000L),
                ForwardedCall.encode(0L, "alice", "sensor", session, "temperature", null, null, 0L, 0L, 0L, -1L),
                ForwardedCall.encode(0L, "alice", "sensor", session, "temperature", null, null, 0L, 0L, 0L,
                        Long.MAX_VALUE),
                ForwardedCall.encode(3L, "alice", "sensor", session, null, null, null, 12345L, 0L, 0L, 30_000L),
                ForwardedCall.encode(4L, "alice", "sensor", session, null, "x", null, -1L, 0L, 0L, 30_000L),
                deepBytes);
        InfinispanCluster from = ClusterNodes.cluster(caller);
        UUID to = ClusterNodes.cluster(holder).node();
        List<CompletableFuture<byte[]>> answers = new ArrayList<>();
        for (byte[] call : malformed) {
            answers.add(from.callChannel().call(to, call, 600_000));
        }
        for (int i = 0; i < answers.size(); i++) {
            CompletableFuture<byte[]> answer = answers.get(i);
            // failed, or answered (a call the holder could read): either way at once, not after the timeout
            assertThat(answer.handle((bytes, failure) -> true)).as("malformed call %d", i)
                    .succeedsWithin(30, TimeUnit.SECONDS);
        }
        assertThat(caller.send(sensor, DeviceRequest.run("temperature", null), null).get(30, TimeUnit.SECONDS)
                .payload()).isEqualTo(21L);
        assertThat(holder.registry().session(sensor).orElseThrow().inspect().get(30, TimeUnit.SECONDS)
                .pendingRequests()).isZero();
    }
}
