package io.cameliotmp.camel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.PostgresExtension;
import io.cameliotmp.testing.RawIotmpSocket;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adoc's JDBC route of "Batched delivery" as it is written there, camel-sql's batch insert, against a real
 * PostgreSQL: every sample a device streams becomes a row, in the device's order, and a device that sends something
 * else than a temperature costs no other device a row (the route as first documented failed the whole batch's
 * insert on it, losing every sample of the batch).
 */
class DocumentedBatchRoutesTest extends IotmpCamelTestSupport {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    /** The adoc's line that leaves out what is not a temperature. */
    private static final String FILTER =
            ".filter(s -> s.payload() instanceof Map<?, ?> m && m.get(\"celsius\") instanceof Number)";

    private DataSource database;

    @Override
    protected String deviceCredentials() {
        return "demo/*=pw";
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        database = POSTGRES.newDatabase();
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            // an id in insertion order, so the rows can be read back in the order the route wrote them
            s.execute("create table samples(id bigserial primary key, device text not null, at bigint not null,"
                      + " celsius double precision not null)");
        }
        CamelContext context = super.createCamelContext();
        // camel-sql takes the registry's only DataSource
        context.getRegistry().bind("dataSource", database);
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // the adoc's route, word for word
                from("iotmp:device:demo/*/temperature?batchSize=500")
                    .process(e -> {
                        List<?> batch = e.getMessage().getBody(List.class);
                        e.getMessage().setBody(batch.stream().map(IotmpSample.class::cast)
                                .filter(s -> s.payload() instanceof Map<?, ?> m && m.get("celsius") instanceof Number)
                                .map(s -> Map.of("device", s.device(), "at", s.timestamp(),
                                                 "celsius", ((Map<?, ?>) s.payload()).get("celsius")))
                                .toList());
                    })
                    .to("sql:insert into samples(device, at, celsius) values (:#device, :#at, :#celsius)?batch=true");
            }
        };
    }

    @Test
    void everySampleBecomesARowInItsDevicesOrder() throws Exception {
        int samples = 600; // more than one batch of 500
        try (RawIotmpSocket one = RawIotmpSocket.connect(port, "demo", "device-1", "pw");
             RawIotmpSocket two = RawIotmpSocket.connect(port, "demo", "device-2", "pw")) {
            int a = one.acceptStream();
            int b = two.acceptStream();
            for (int i = 0; i < samples; i++) {
                one.send(IotmpMessage.streamData(a, Map.of("celsius", 20.0 + i)), Generation.GEN2);
                two.send(IotmpMessage.streamData(b, Map.of("celsius", -20.0 - i)), Generation.GEN2);
            }
            eventually().until(() -> rows() == 2L * samples);
        }
        assertThat(celsiusOf("device-1")).hasSize(samples).isSorted();
        List<Double> two = celsiusOf("device-2");
        assertThat(two).hasSize(samples).isSortedAccordingTo((x, y) -> Double.compare(y, x));
        assertThat(two.get(0)).isEqualTo(-20.0);
    }

    @Test
    void aDeviceSendingOtherPayloadsCostsNoOtherDeviceItsRows() throws Exception {
        Map<String, Object> nullCelsius = new HashMap<>();
        nullCelsius.put("celsius", null);
        // a device of the same user may send anything: each of these failed the insert of its whole batch, and with
        // it every other device's samples in that batch
        List<Object> others = List.of(nullCelsius, Map.of("celsius", "hot"), Map.of("humidity", 40), "21.5", 21.5);
        int samples = 100;
        try (RawIotmpSocket good = RawIotmpSocket.connect(port, "demo", "good", "pw");
             RawIotmpSocket odd = RawIotmpSocket.connect(port, "demo", "odd", "pw")) {
            int a = good.acceptStream();
            int b = odd.acceptStream();
            for (int i = 0; i < samples; i++) {
                good.send(IotmpMessage.streamData(a, Map.of("celsius", 20.5 + i)), Generation.GEN2);
                odd.send(IotmpMessage.streamData(b, others.get(i % others.size())), Generation.GEN2);
            }
            eventually().until(() -> celsiusOf("good").size() == samples);
        }
        assertThat(celsiusOf("good")).isSorted();
        assertThat(celsiusOf("odd")).isEmpty();
    }

    @Test
    void theRouteIsTheAdocs() throws Exception {
        String adoc = Files.readString(Path.of("src/main/docs/iotmp-component.adoc"));
        assertThat(adoc).contains(FILTER).contains("from(\"iotmp:device:demo/*/temperature?batchSize=500\")")
                .contains("\"celsius\", ((Map<?, ?>) s.payload()).get(\"celsius\")))")
                .contains(".to(\"sql:insert into samples(device, at, celsius) values (:#device, :#at, :#celsius)"
                          + "?batch=true\");");
    }

    private long rows() throws SQLException {
        try (Connection c = database.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select count(*) from samples")) {
            r.next();
            return r.getLong(1);
        }
    }

    private List<Double> celsiusOf(String device) throws SQLException {
        List<Double> values = new ArrayList<>();
        try (Connection c = database.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select celsius from samples where device = '" + device + "' order by id")) {
            while (r.next()) {
                values.add(r.getDouble(1));
            }
        }
        return values;
    }
}
