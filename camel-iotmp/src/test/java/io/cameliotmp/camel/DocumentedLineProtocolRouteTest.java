package io.cameliotmp.camel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.RawIotmpSocket;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.ProcessorEndpoint;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adoc's time-series route of "Batched delivery" as it is written there, with the HTTP endpoint played by a
 * component that keeps what it is sent: every write is InfluxDB line protocol, a line per temperature. InfluxDB
 * refuses a whole write for one line it cannot parse, so the route as first documented lost every device's samples
 * of a batch to one device whose id holds a space, a comma or an equals sign (an unescaped tag value), or that sent
 * a payload without a finite {@code celsius} ({@code celsius=null}, {@code celsius=NaN}).
 */
class DocumentedLineProtocolRouteTest extends IotmpCamelTestSupport {

    /** measurement, one tag whose value escapes what line protocol would read as syntax, one float field, a time. */
    private static final Pattern LINE = Pattern.compile(
            "temperature,device=(?:[^,= \\\\]|\\\\[,= ])+ celsius=-?\\d+(?:\\.\\d+)?(?:E-?\\d+)? \\d+");

    private final List<String> writes = new CopyOnWriteArrayList<>();

    @Override
    protected String deviceCredentials() {
        return "demo/*=pw";
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.addComponent("http", new DefaultComponent() {
            @Override
            protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
                parameters.clear(); // the query is InfluxDB's, not an endpoint option
                return new ProcessorEndpoint(uri, this, e -> writes.add(e.getMessage().getBody(String.class)));
            }
        });
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // the adoc's route, word for word (theRouteIsTheAdocs checks its lines)
                from("iotmp:device:demo/*/temperature?batchSize=5000&batchTimeout=1000")
                    .process(e -> {
                        StringBuilder lines = new StringBuilder();
                        for (Object o : e.getMessage().getBody(List.class)) {
                            IotmpSample s = (IotmpSample) o;
                            if (s.payload() instanceof Map<?, ?> m && m.get("celsius") instanceof Number c
                                    && Double.isFinite(c.doubleValue())) {
                                lines.append("temperature,device=").append(s.device().replaceAll("[,= ]", "\\\\$0"))
                                     .append(" celsius=").append(c)
                                     .append(' ').append(s.timestamp()).append('\n');
                            }
                        }
                        e.getMessage().setBody(lines.toString());
                    })
                    .filter(body().isNotEqualTo(""))
                    .to("http://influx:8086/api/v2/write?bucket=iot&org=demo&precision=ms");
            }
        };
    }

    @Test
    void everyWriteIsLineProtocolWhateverTheDevicesSend() throws Exception {
        Map<String, Object> nullCelsius = new HashMap<>();
        nullCelsius.put("celsius", null);
        List<Object> odd = List.of(nullCelsius, Map.of("celsius", Double.NaN), Map.of("celsius", "hot"),
                Map.of("humidity", 40), 21.5);
        int samples = 20;
        try (RawIotmpSocket plain = RawIotmpSocket.connect(port, "demo", "device-1", "pw");
             RawIotmpSocket spaced = RawIotmpSocket.connect(port, "demo", "lab 2,room=3", "pw");
             RawIotmpSocket other = RawIotmpSocket.connect(port, "demo", "odd", "pw")) {
            int a = plain.acceptStream();
            int b = spaced.acceptStream();
            int c = other.acceptStream();
            for (int i = 0; i < samples; i++) {
                plain.send(IotmpMessage.streamData(a, Map.of("celsius", 20.5 + i)), Generation.GEN2);
                spaced.send(IotmpMessage.streamData(b, Map.of("celsius", -1.5 - i)), Generation.GEN2);
                other.send(IotmpMessage.streamData(c, odd.get(i % odd.size())), Generation.GEN2);
            }
            eventually().until(() -> lines().size() == 2 * samples);
        }
        List<String> lines = lines();
        assertThat(lines).allSatisfy(line -> assertThat(line).matches(LINE));
        assertThat(lines).filteredOn(line -> line.startsWith("temperature,device=lab\\ 2\\,room\\=3 celsius="))
                .hasSize(samples);
        assertThat(lines).filteredOn(line -> line.contains("device=odd ")).isEmpty();
    }

    @Test
    void theRouteIsTheAdocs() throws Exception {
        String adoc = Files.readString(Path.of("src/main/docs/iotmp-component.adoc"));
        assertThat(adoc).contains("from(\"iotmp:device:demo/*/temperature?batchSize=5000&batchTimeout=1000\")");
        assertThat(adoc).contains("if (s.payload() instanceof Map<?, ?> m && m.get(\"celsius\") instanceof Number c")
                .contains(".append(s.device().replaceAll(\"[,= ]\", \"\\\\\\\\$0\"))")
                .contains(".filter(body().isNotEqualTo(\"\"))");
        assertThat(adoc).contains(".to(\"http://influx:8086/api/v2/write?bucket=iot&org=demo&precision=ms\");");
    }

    private List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (String write : writes) {
            for (String line : write.split("\n")) {
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
        }
        return lines;
    }
}
