package io.cameliotmp.server;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** PROXY protocol headers as a load balancer sends them, for the tests of {@code proxyProtocol}. */
final class ProxyHeaders {

    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private ProxyHeaders() {
    }

    /** A v1 (text) header for a TCP device at {@code source} (IPv4 or IPv6). */
    static byte[] v1(String source, int port) {
        String family = source.contains(":") ? "TCP6" : "TCP4";
        String destination = source.contains(":") ? "::1" : "10.0.0.1";
        return ("PROXY " + family + " " + source + " " + destination + " " + port + " 25204\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** A v2 (binary) header for a TCP over IPv4 device, with {@code tlvBytes} bytes of (NOOP) TLVs. */
    static byte[] v2(String source, int port, int tlvBytes) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(16 + 12 + tlvBytes);
        header.put(V2_SIGNATURE).put((byte) 0x21).put((byte) 0x11).putShort((short) (12 + tlvBytes));
        header.put(InetAddress.getByName(source).getAddress()).put(new byte[] {10, 0, 0, 1});
        header.putShort((short) port).putShort((short) 25204);
        if (tlvBytes > 0) {
            header.put((byte) 0x04).putShort((short) (tlvBytes - 3)).put(new byte[tlvBytes - 3]); // PP2_TYPE_NOOP
        }
        return header.array();
    }

    /** A v2 header of the balancer's own (a health check): command LOCAL, no address. */
    static byte[] v2Local() {
        ByteBuffer header = ByteBuffer.allocate(16);
        header.put(V2_SIGNATURE).put((byte) 0x20).put((byte) 0x00).putShort((short) 0);
        return header.array();
    }
}
