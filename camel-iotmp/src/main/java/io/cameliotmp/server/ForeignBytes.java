package io.cameliotmp.server;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A peer whose first bytes are not the protocol's: refused at once, with a reason, instead of having its bytes read as
 * frames of unknown types (skipped, as a logged-in device's are) until the CONNECT deadline. Every client opens with a
 * frame of a known type, a CONNECT or a legacy AUTH; frames of unknown types before it are skipped as the references
 * do, but only {@value #MAX_SKIPPED} bytes of them, and a frame that would go beyond is refused as soon as its header
 * is read: text announces a body of its second byte's value, 65 or more for a letter ({@code PROXY TCP4 ...} reads as
 * type 80 with 82 bytes of body, which a balancer's header alone need not fill), so such a peer is refused at its
 * second byte rather than waited for. Found by the codec ({@code ForeignBytesException}) or, with legacy devices
 * enabled, by the {@link ProtocolDetector} at the first byte; either way logged within the {@link RefusalLog}'s rate
 * and counted in {@code iotmp.refusals{reason=not-iotmp}}. The reason names the common cases, plain from the bytes
 * already read (nothing more is awaited for it).
 */
final class ForeignBytes {

    /** One logger for both places that refuse, so that an operator finds these lines under one name. */
    private static final Logger LOG = LoggerFactory.getLogger(ForeignBytes.class);

    /**
     * Bytes of frames of unknown types a connection may open with before its first known frame: a few such frames, and
     * less than any header of two ASCII letters announces.
     */
    static final int MAX_SKIPPED = 64;

    /** The PROXY protocol v2 signature (the v1 header is text: {@code PROXY }). */
    private static final byte[] PROXY_V2 = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final String[] HTTP_METHODS = {"GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ",
        "CONNECT ", "PATCH ", "TRACE ", "PRI * HTTP/2"};
    /** Bytes shown in hex when the peer is none of the common cases. */
    private static final int SHOWN = 8;
    /** The least of a PROXY v2 signature taken for one: its first four bytes are two line ends, as no client sends. */
    private static final int PROXY_V2_PREFIX = 4;

    private ForeignBytes() {
    }

    /**
     * Logs (within the rate), counts and words the refusal of a connection whose first bytes are {@code head}.
     *
     * @return the reason the connection is closed for
     */
    static String refuse(SessionContext context, SocketAddress remote, byte[] head) {
        String reason = "not IOTMP: " + whatIs(head);
        context.metrics().refused(Refusal.NOT_IOTMP);
        context.refusalLog().refusedConnection(LOG, remote, reason);
        return reason;
    }

    /**
     * Logs (within the rate), counts and words the refusal of a connection whose first known frame is a {@code type}
     * and no CONNECT: a peer that is no IOTMP client (a TLS ClientHello on a plain port decodes as a skipped frame and
     * an OK), or one that is not one yet.
     *
     * @return the reason the connection is closed for
     */
    static String refuseFirstFrame(SessionContext context, SocketAddress remote, Object type) {
        String reason = "not IOTMP: sent " + type + " before CONNECT";
        context.metrics().refused(Refusal.NOT_IOTMP);
        context.refusalLog().refusedConnection(LOG, remote, reason);
        return reason;
    }

    /** What a peer that opens with {@code head} (its first bytes, at least one) is, as far as they tell. */
    static String whatIs(byte[] head) {
        String text = new String(head, StandardCharsets.ISO_8859_1);
        if (text.startsWith("PROXY ") || head.length >= PROXY_V2_PREFIX && startsWithPrefixOf(head, PROXY_V2)) {
            return "a PROXY protocol header on a port without proxyProtocol";
        }
        for (String method : HTTP_METHODS) {
            if (text.startsWith(method)) {
                return "an HTTP request (" + method.trim() + ")";
            }
        }
        if (head.length >= 2 && head[0] == 0x16 && head[1] == 0x03) {
            return "a TLS handshake on a port without TLS";
        }
        if (text.startsWith("SSH-")) {
            return "an SSH client";
        }
        StringBuilder hex = new StringBuilder("first bytes");
        for (int i = 0; i < Math.min(head.length, SHOWN); i++) {
            hex.append(String.format(" %02x", head[i] & 0xFF));
        }
        return hex.toString();
    }

    /** Whether {@code head} starts with {@code signature}, or is a start of it (only part of it was read). */
    private static boolean startsWithPrefixOf(byte[] head, byte[] signature) {
        for (int i = 0; i < Math.min(head.length, signature.length); i++) {
            if (head[i] != signature[i]) {
                return false;
            }
        }
        return true;
    }
}
