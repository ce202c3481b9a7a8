package io.cameliotmp.cluster;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;

/**
 * A DNS server on loopback answering A and SRV questions from a zone the test changes while members run: what a
 * Kubernetes headless service publishes as pods come and go. Unknown names get NXDOMAIN. Counts the questions asked.
 */
final class DnsZone implements AutoCloseable {

    private final Map<String, List<InetAddress>> addresses = new ConcurrentHashMap<>();
    private final Map<String, List<String>> services = new ConcurrentHashMap<>();
    private final AtomicInteger questions = new AtomicInteger();
    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel channel;

    DnsZone() throws InterruptedException {
        channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new Answers());
                    }
                }).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    /** {@code host:port} of this server, as DNS discovery's resolver option takes it. */
    String resolver() {
        InetSocketAddress local = (InetSocketAddress) channel.localAddress();
        return local.getAddress().getHostAddress() + ":" + local.getPort();
    }

    /** Publishes one more address under {@code name} (an A record). */
    void addAddress(String name, InetAddress address) {
        addresses.computeIfAbsent(key(name), n -> new CopyOnWriteArrayList<>()).add(address);
    }

    /** Publishes one more SRV record under {@code name}: a member on {@code target}'s address and this port. */
    void addService(String name, String target, int port) {
        services.computeIfAbsent(key(name), n -> new CopyOnWriteArrayList<>()).add(target + ":" + port);
    }

    /** The questions this server answered so far. */
    int questions() {
        return questions.get();
    }

    private static String key(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Answers extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            questions.incrementAndGet();
            DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
            response.setAuthoritativeAnswer(true).setRecursionDesired(query.isRecursionDesired());
            DnsQuestion question = query.recordAt(DnsSection.QUESTION);
            response.addRecord(DnsSection.QUESTION, question);
            String name = key(question.name());
            boolean known = false;
            if (question.type().equals(DnsRecordType.A)) {
                for (InetAddress address : addresses.getOrDefault(name, List.of())) {
                    response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), DnsRecordType.A,
                            0, Unpooled.wrappedBuffer(address.getAddress())));
                    known = true;
                }
            } else if (question.type().equals(DnsRecordType.SRV)) {
                for (String service : services.getOrDefault(name, List.of())) {
                    int colon = service.lastIndexOf(':');
                    response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), DnsRecordType.SRV,
                            0, srv(service.substring(0, colon), Integer.parseInt(service.substring(colon + 1)))));
                    known = true;
                }
            }
            known |= addresses.containsKey(name) || services.containsKey(name);
            response.setCode(known ? DnsResponseCode.NOERROR : DnsResponseCode.NXDOMAIN);
            ctx.writeAndFlush(response);
        }

        /** SRV data: priority, weight, port, then the target's labels (RFC 2782). */
        private ByteBuf srv(String target, int port) {
            ByteBuf data = Unpooled.buffer();
            data.writeShort(0).writeShort(0).writeShort(port);
            for (String label : target.split("\\.")) {
                byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
                data.writeByte(bytes.length).writeBytes(bytes);
            }
            return data.writeByte(0);
        }
    }
}
