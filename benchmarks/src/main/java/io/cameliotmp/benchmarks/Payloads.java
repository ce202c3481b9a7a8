package io.cameliotmp.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrames;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.PsonFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The benchmark payload, a typical sensor sample, and its size in every encoding. {@code main} prints the sizes
 * reported in {@code docs/performance.md}:
 * {@code java -cp benchmarks/target/benchmarks.jar io.cameliotmp.benchmarks.Payloads}
 */
public final class Payloads {

    /** A typical device sample. */
    public static final String JSON = "{\"temperature\":23.5,\"humidity\":60,\"pressure\":1013,\"label\":\"outdoor\"}";

    /** Stream id of the STREAM_DATA frame used for frame benchmarks. */
    public static final int STREAM_ID = 0xA1;

    private Payloads() {
    }

    /** The sample as the Java map a Camel route would hand to the encoder, keys in insertion order. */
    public static Map<String, Object> sample() {
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("temperature", 23.5);
        sample.put("humidity", 60L);
        sample.put("pressure", 1013L);
        sample.put("label", "outdoor");
        return sample;
    }

    public static ObjectMapper jsonMapper() {
        return new ObjectMapper();
    }

    public static ObjectMapper cborMapper() {
        return new CBORMapper();
    }

    /** The STREAM_DATA frame carrying the sample, gen-2. */
    public static byte[] streamDataFrame() {
        ByteBuf buf = Unpooled.buffer();
        IotmpFrames.encode(IotmpMessage.streamData(STREAM_ID, sample()), Generation.GEN2, buf);
        byte[] frame = new byte[buf.readableBytes()];
        buf.readBytes(frame);
        return frame;
    }

    public static void main(String[] args) throws Exception {
        Map<String, Object> sample = sample();
        System.out.println("payload: " + JSON);
        System.out.printf("%-28s %5d bytes%n", "JSON (Jackson)", jsonMapper().writeValueAsBytes(sample).length);
        System.out.printf("%-28s %5d bytes%n", "CBOR (Jackson)", cborMapper().writeValueAsBytes(sample).length);
        System.out.printf("%-28s %5d bytes%n", "PSON v2", PsonFormat.V2.toBytes(sample).length);
        System.out.printf("%-28s %5d bytes%n", "PSON v1 (legacy)", PsonFormat.V1.toBytes(sample).length);
        System.out.printf("%-28s %5d bytes%n", "IOTMP STREAM_DATA frame", streamDataFrame().length);
    }
}
