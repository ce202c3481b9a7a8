package io.cameliotmp.benchmarks.soak;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.cameliotmp.protocol.legacy.LegacyFrames;
import io.cameliotmp.protocol.legacy.LegacyMessage;
import io.cameliotmp.protocol.legacy.SignalFlag;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The attack families of the legacy Thinger protocol (boards on the Arduino library up to 2.40), played on the
 * server's IOTMP port, where a first byte {@code 01} selects the legacy codec, with raw sockets, each from loopback
 * addresses of its own:
 * <ul>
 * <li>{@code legacy-new-ids}: two addresses log in, one connection after another, under ever new device ids of a
 * user with a wildcard credential ({@code legacyattack/*}) and leave at once; the server remembers the stream ids of
 * each legacy device across its connections, at most {@code maxLegacyDevicesTracked} of them;</li>
 * <li>{@code legacy-after-login}: one logged-in legacy device sends, as fast as the server reads, property writes
 * beyond its quota, reads of properties that do not exist (answered without an id, in order), calls of buckets and
 * endpoints that do not exist, samples of streams it was never asked for, and floods of keep-alives;</li>
 * <li>{@code legacy-partial}: seven hundred connections from seven addresses, each starting a 4,000-byte AUTH and
 * stalling until the AUTH deadline closes it, then opened again.</li>
 * </ul>
 * Refused: an AUTH not answered OK or a connection closed by the server; after login, a REQUEST_ERROR.
 */
final class LegacyAttacks extends AttackFamilies {

    /** The families, in the order the soak runs them. */
    static final List<String> FAMILIES = List.of("legacy-new-ids", "legacy-after-login", "legacy-partial");
    /** The user of {@code legacy-new-ids}: the soak accepts any device of it with {@link #NEW_IDS_CREDENTIAL}. */
    static final String NEW_IDS_USER = "legacyattack";
    static final String NEW_IDS_CREDENTIAL = "attack-legacy";

    /** The bare OK of an AUTH: MESSAGE, 2 bytes, signal flag 1. */
    private static final byte[] AUTH_OK = {1, 2, 0x10, 1};
    private static final int PARTIAL_CONNECTIONS = 700;
    private static final int PARTIAL_ADDRESSES = 7;

    LegacyAttacks(String host, int port, AtomicLong attempts, AtomicLong refused, BooleanSupplier running,
                  List<AutoCloseable> resources) {
        super(host, port, attempts, refused, running, resources);
    }

    /** One login under a device id never used before, answered OK, then the connection closed by the device. */
    void newIds(int index) throws IOException {
        attempts.incrementAndGet();
        try (Socket socket = Attacks.open(resources, "127.0.0." + (90 + index), host, port, 0)) {
            String device = "board-" + index + "-" + Long.toHexString(new Random().nextLong());
            Attacks.write(socket, frame(LegacyMessage.auth(NEW_IDS_USER, device, NEW_IDS_CREDENTIAL)));
            socket.setSoTimeout(30_000);
            byte[] answer = new DataInputStream(socket.getInputStream()).readNBytes(AUTH_OK.length);
            if (!java.util.Arrays.equals(answer, AUTH_OK)) {
                refused.incrementAndGet();
            }
        } catch (IOException e) {
            refused.incrementAndGet();
        }
    }

    /**
     * Logs in as {@code demo/attacker-3} and sends rounds of service calls no server can grant, reading every answer
     * on a thread of its own (a device that stops reading is the write bound's business, not this family's).
     */
    void afterLogin(int index) throws Exception {
        try (Socket socket = Attacks.open(resources, "127.0.0.92", host, port, 0)) {
            Attacks.write(socket, frame(LegacyMessage.auth("demo", "attacker-3", "attack-3")));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            socket.setSoTimeout(30_000);
            if (!java.util.Arrays.equals(in.readNBytes(AUTH_OK.length), AUTH_OK)) {
                refused.incrementAndGet();
                return;
            }
            Thread reader = new Thread(() -> countErrors(in), "attack-legacy-after-login-reader");
            reader.start();
            OutputStream out = socket.getOutputStream();
            String value = "x".repeat(500);
            Random random = new Random();
            for (int n = 0; running.getAsBoolean() && reader.isAlive(); n++) {
                int id = 1 + n % 1000;
                attempts.addAndGet(4);
                out.write(frame(LegacyMessage.service(SignalFlag.SET_PROPERTY, id, "p" + n, null, value)));
                out.write(frame(LegacyMessage.service(SignalFlag.GET_PROPERTY, 0, "missing-" + n, null, null)));
                out.write(frame(LegacyMessage.service(SignalFlag.BUCKET_DATA, id + 1000, "no-bucket", null, value)));
                out.write(frame(LegacyMessage.service(SignalFlag.CALL_ENDPOINT, id + 2000, "no-endpoint", null,
                        value)));
                // samples of streams the server never asked for: dropped as stale, never answered
                out.write(frame(LegacyMessage.of(SignalFlag.STREAM_SAMPLE, 1 + random.nextInt(0xFFFF), null,
                        java.util.Map.of("out", n))));
                if (n % 10 == 0) {
                    byte[] keepAlives = new byte[2000];
                    for (int k = 0; k < keepAlives.length; k += 2) {
                        keepAlives[k] = 2; // 02 00, a thousand times
                    }
                    out.write(keepAlives);
                }
                out.flush();
            }
        }
    }

    /** Reads the server's frames until the connection ends, counting each REQUEST_ERROR as a refusal. */
    private void countErrors(DataInputStream in) {
        try {
            while (true) {
                int type;
                try {
                    type = (int) readVarint(in);
                } catch (SocketTimeoutException e) {
                    if (!running.getAsBoolean()) {
                        return;
                    }
                    continue;
                }
                byte[] body = in.readNBytes((int) readVarint(in));
                if (type != LegacyFrames.TYPE_MESSAGE) {
                    continue;
                }
                LegacyMessage message = LegacyFrames.decodeBody(Unpooled.wrappedBuffer(body), 0, body.length, 32,
                        1 << 20);
                if (message.flag() == SignalFlag.REQUEST_ERROR) {
                    refused.incrementAndGet();
                }
            }
        } catch (IOException | RuntimeException e) {
            // closed: by the server, or by the attacks' stop
        }
    }

    /** Keeps {@value #PARTIAL_CONNECTIONS} connections each holding three quarters of a 4,000-byte AUTH. */
    void partial(int index) throws IOException {
        byte[] partial = new byte[3003];
        partial[0] = 1; // MESSAGE: a legacy device
        partial[1] = (byte) 0xA0;
        partial[2] = 0x1F; // of 4,000 bytes
        holdStalled(PARTIAL_CONNECTIONS, place -> "127.0.0." + (93 + place % PARTIAL_ADDRESSES), place -> partial);
    }

    private static long readVarint(DataInputStream in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("varint too long");
    }

    private static byte[] frame(LegacyMessage message) {
        ByteBuf buf = Unpooled.buffer();
        LegacyFrames.encode(message, buf);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }
}
