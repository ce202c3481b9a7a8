package io.cameliotmp.benchmarks;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrameCodec;
import io.cameliotmp.protocol.IotmpFrames;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.PsonFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Encoding and decoding one sensor sample ({@link Payloads#JSON}) as PSON v2, PSON v1, JSON and CBOR, and decoding
 * it as an IOTMP STREAM_DATA frame. Single-threaded, average time per operation.
 * <p>
 * "toBytes" variants produce a fresh {@code byte[]} like Jackson's {@code writeValueAsBytes}, for a like-for-like
 * comparison; "toBuffer" variants write into a reused Netty buffer, which is what the codec does on a connection.
 * Netty's leak detector is disabled in the forked JVM, as it would be in production.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class CodecBenchmark {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private Map<String, Object> sample;
    private ObjectMapper json;
    private ObjectMapper cbor;

    private ByteBuf out;
    private byte[] jsonBytes;
    private byte[] cborBytes;
    private ByteBuf psonV2;
    private ByteBuf psonV1;
    private ByteBuf frame;
    private IotmpMessage message;
    private EmbeddedChannel channel;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        sample = Payloads.sample();
        json = Payloads.jsonMapper();
        cbor = Payloads.cborMapper();
        out = Unpooled.buffer(256);
        jsonBytes = json.writeValueAsBytes(sample);
        cborBytes = cbor.writeValueAsBytes(sample);
        psonV2 = Unpooled.wrappedBuffer(PsonFormat.V2.toBytes(sample));
        psonV1 = Unpooled.wrappedBuffer(PsonFormat.V1.toBytes(sample));
        frame = Unpooled.wrappedBuffer(Payloads.streamDataFrame());
        message = IotmpMessage.streamData(Payloads.STREAM_ID, sample);
        channel = new EmbeddedChannel(new IotmpFrameCodec(Generation.GEN2, false, IotmpFrames.DEFAULT_MAX_FRAME_SIZE,
                PsonFormat.DEFAULT_MAX_DEPTH));
        // a wrong result would make every number meaningless
        if (!PsonFormat.V2.decode(PsonFormat.V2.toBytes(sample)).equals(Map.of("temperature", 23.5f, "humidity",
                60L, "pressure", 1013L, "label", "outdoor"))) {
            throw new IllegalStateException("PSON v2 round trip changed the sample");
        }
        if (!codecDecode().equals(IotmpMessage.streamData(Payloads.STREAM_ID, PsonFormat.V2.decode(psonV2)))) {
            throw new IllegalStateException("codec decoded something else");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
    }

    // ------------------------------------------------------------------ PSON v2

    @Benchmark
    public ByteBuf psonV2EncodeToBuffer() {
        out.clear();
        PsonFormat.V2.encode(sample, out);
        return out;
    }

    @Benchmark
    public byte[] psonV2EncodeToBytes() {
        return PsonFormat.V2.toBytes(sample);
    }

    @Benchmark
    public Object psonV2Decode() {
        psonV2.readerIndex(0);
        return PsonFormat.V2.decode(psonV2);
    }

    // ------------------------------------------------------------------ PSON v1 (gen-1 devices)

    @Benchmark
    public ByteBuf psonV1EncodeToBuffer() {
        out.clear();
        PsonFormat.V1.encode(sample, out);
        return out;
    }

    @Benchmark
    public byte[] psonV1EncodeToBytes() {
        return PsonFormat.V1.toBytes(sample);
    }

    @Benchmark
    public Object psonV1Decode() {
        psonV1.readerIndex(0);
        return PsonFormat.V1.decode(psonV1);
    }

    // ------------------------------------------------------------------ Jackson

    @Benchmark
    public byte[] jsonEncodeToBytes() throws Exception {
        return json.writeValueAsBytes(sample);
    }

    @Benchmark
    public Map<String, Object> jsonDecode() throws Exception {
        return json.readValue(jsonBytes, MAP);
    }

    @Benchmark
    public byte[] cborEncodeToBytes() throws Exception {
        return cbor.writeValueAsBytes(sample);
    }

    @Benchmark
    public Map<String, Object> cborDecode() throws Exception {
        return cbor.readValue(cborBytes, MAP);
    }

    // ------------------------------------------------------------------ IOTMP frames

    @Benchmark
    public ByteBuf frameEncode() {
        out.clear();
        IotmpFrames.encode(message, Generation.GEN2, out);
        return out;
    }

    /** What the codec does per frame, without the pipeline: header peek, then the body. */
    @Benchmark
    public IotmpMessage frameDecodePeekHeaderAndBody() {
        IotmpFrames.Header header = IotmpFrames.peekHeader(frame, IotmpFrames.DEFAULT_MAX_FRAME_SIZE);
        return IotmpFrames.decodeBody(MessageType.fromCode(header.typeCode()), frame, header.headerLength(),
                header.frameLength(), Generation.GEN2, false, PsonFormat.DEFAULT_MAX_DEPTH);
    }

    /** The frame through {@link IotmpFrameCodec} in an {@link EmbeddedChannel}, one read per frame. */
    @Benchmark
    public IotmpMessage frameDecodeCodec() {
        return codecDecode();
    }

    private IotmpMessage codecDecode() {
        channel.writeInbound(frame.retainedDuplicate());
        return channel.readInbound();
    }
}
