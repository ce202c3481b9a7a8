package io.cameliotmp.cluster;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.UUID;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A relayed publication ({@link ClusterRelay.Published}) as it travels on the {@link CallChannel}: a run of PSON
 * values, as a forwarded call ({@link ForwardedCall}), and the receiving member's answer. The first value is a mark
 * where a forwarded call has its kind's number: a member of an earlier version fails to read it as a number (a
 * {@link ClassCastException}), and the publishing member then relays to it as a task of Infinispan's executor.
 */
final class PublicationWire {

    private static final String MARK = "publication";
    private static final byte[] MARK_BYTES = ForwardedCall.encode(MARK);
    /** The values that describe the publishing device's connection, all null for a route's publication. */
    private static final int PUBLISHER_VALUES = 12;

    /** The answers: delivered to this member's topic consumers, no server to deliver to, or no room to queue it. */
    enum Answer {
        DELIVERED, UNDELIVERED, REFUSED
    }

    private PublicationWire() {
    }

    static boolean isPublication(byte[] bytes) {
        return bytes.length >= MARK_BYTES.length
               && Arrays.equals(bytes, 0, MARK_BYTES.length, MARK_BYTES, 0, MARK_BYTES.length);
    }

    static byte[] toBytes(ClusterRelay.Published published) {
        HolderRecord p = published.publisher();
        UUID writer = published.writer();
        Object[] publisher = p == null ? new Object[PUBLISHER_VALUES]
                : new Object[] {p.member(), p.nodeMostBits(), p.nodeLeastBits(), p.user(), p.device(),
                        p.sessionNumber(), host(p.remoteAddress()), address(p.remoteAddress()),
                        (long) port(p.remoteAddress()), p.connectedAtSeconds(), (long) p.connectedAtNanos(),
                        p.generation()};
        Object[] head = {MARK, published.user(), published.topic(), published.payload(), published.retain(),
                writer == null ? null : writer.getMostSignificantBits(),
                writer == null ? null : writer.getLeastSignificantBits(), published.write(),
                p == null ? null : (long) p.keepAliveSeconds()};
        Object[] all = Arrays.copyOf(head, head.length + publisher.length);
        System.arraycopy(publisher, 0, all, head.length, publisher.length);
        return ForwardedCall.encode(all);
    }

    /**
     * Reads a publication; bytes that are not one fail with {@link IllegalArgumentException}, never with the
     * {@link ClassCastException} that tells the publishing member it talks to an earlier version.
     */
    static ClusterRelay.Published fromBytes(byte[] bytes) {
        try {
            ByteBuf in = Unpooled.wrappedBuffer(bytes);
            if (!MARK.equals(ForwardedCall.next(in))) {
                throw new IllegalArgumentException("not a relayed publication");
            }
            String user = (String) ForwardedCall.next(in);
            String topic = (String) ForwardedCall.next(in);
            Object payload = ForwardedCall.next(in);
            boolean retain = (Boolean) ForwardedCall.next(in);
            Number writerMost = (Number) ForwardedCall.next(in);
            Number writerLeast = (Number) ForwardedCall.next(in);
            long write = ForwardedCall.number(in);
            Number keepAlive = (Number) ForwardedCall.next(in);
            String member = (String) ForwardedCall.next(in);
            HolderRecord publisher = null;
            Number nodeMost = (Number) ForwardedCall.next(in);
            Number nodeLeast = (Number) ForwardedCall.next(in);
            String publisherUser = (String) ForwardedCall.next(in);
            String device = (String) ForwardedCall.next(in);
            Number session = (Number) ForwardedCall.next(in);
            String host = (String) ForwardedCall.next(in);
            byte[] address = (byte[]) ForwardedCall.next(in);
            Number port = (Number) ForwardedCall.next(in);
            Number seconds = (Number) ForwardedCall.next(in);
            Number nanos = (Number) ForwardedCall.next(in);
            String generation = (String) ForwardedCall.next(in);
            if (member != null) {
                publisher = new HolderRecord(member, nodeMost.longValue(), nodeLeast.longValue(), publisherUser,
                        device, session.longValue(), socketAddress(host, address, port.intValue()),
                        seconds.longValue(), nanos.intValue(), generation, keepAlive.intValue());
            }
            UUID writer = writerMost == null ? null : new UUID(writerMost.longValue(), writerLeast.longValue());
            return new ClusterRelay.Published(user, topic, payload, publisher, retain, writer, write);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed relayed publication: " + e, e);
        }
    }

    static byte[] answer(Answer answer) {
        return ForwardedCall.encode(answer.name());
    }

    /** The answer's meaning; an answer this version does not know reads as not delivered. */
    static Answer answer(byte[] bytes) {
        Object value = ForwardedCall.next(Unpooled.wrappedBuffer(bytes));
        for (Answer answer : Answer.values()) {
            if (answer.name().equals(value)) {
                return answer;
            }
        }
        return Answer.UNDELIVERED;
    }

    /** The publisher's remote host as written, or null when its address is not an IP socket's. */
    private static String host(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getHostString() : null;
    }

    /** Its raw IP address, so the receiving member rebuilds it without a lookup; null if unresolved. */
    private static byte[] address(SocketAddress address) {
        return address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getAddress() : null;
    }

    private static int port(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getPort() : 0;
    }

    /** The publisher's remote address; null for one that was not an IP socket's (a local channel's, in tests). */
    private static SocketAddress socketAddress(String host, byte[] address, int port) {
        if (host == null) {
            return null;
        }
        if (address == null) {
            return InetSocketAddress.createUnresolved(host, port);
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(host, address), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad publisher address: " + e.getMessage(), e);
        }
    }
}
