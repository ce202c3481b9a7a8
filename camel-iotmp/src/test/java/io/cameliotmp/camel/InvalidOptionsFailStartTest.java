package io.cameliotmp.camel;

import java.util.ArrayList;
import java.util.List;

import io.cameliotmp.testing.TestPorts;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A value an option cannot mean fails the route's start with a message that names the option. These all started:
 * connectTimeout=0 then closed every device before its CONNECT, keepAlive=0 dropped devices that announce no interval
 * after a second, tlsHandshakeTimeout=-1 failed each TLS connection, a negative workerThreads quietly meant none, and
 * a producer's maxDownloadSize=0 failed its first download rather than the route; clientAuth=REQUIRE without TLS
 * ran a plain server whose configuration read as if devices needed a certificate.
 */
class InvalidOptionsFailStartTest {

    /** The messages of a failed start, outermost first (Camel wraps the option's own). */
    private static String failedStart(String uri, boolean consumer) throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    if (consumer) {
                        from(uri).to("log:ignored");
                    } else {
                        from("direct:call").to(uri);
                    }
                }
            });
            Throwable failure = catchThrowable(camel::start);
            assertThat(failure).as(uri + " starts").isNotNull();
            List<String> messages = new ArrayList<>();
            for (Throwable t = failure; t != null; t = t.getCause()) {
                messages.add(t.getMessage());
            }
            return String.join(" / ", messages);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "ioThreads=-1, ioThreads must not be negative",
            "workerThreads=-1, workerThreads must not be negative",
            "connectTimeout=0, connectTimeout must be positive",
            "keepAlive=0, keepAlive must be 1 second or more",
            "keepAlive=60000, keepAlive is in seconds and at most 1800 (what a device may ask for): 60000",
            "tlsHandshakeTimeout=-1, tlsHandshakeTimeout must be positive",
            "frameReadTimeout=0, frameReadTimeout must be positive",
            "authFailureBlock=-1, authFailureBlock must be positive",
            "maxConnectionsPerSecond=-1, maxConnectionsPerSecond must not be negative",
            "maxAuthFailuresPerAddress=-1, maxAuthFailuresPerAddress must not be negative",
            "maxAuthFailuresPerDevice=-1, maxAuthFailuresPerDevice must not be negative",
            "clientAuth=REQUIRE, clientAuth=REQUIRE needs TLS",
            "clientAuth=OPTIONAL, clientAuth=OPTIONAL needs TLS"
    })
    void aServerOptionFailsTheRouteThatWouldStartTheServer(String option, String message) throws Exception {
        String uri = "iotmp:events?host=127.0.0.1&port=" + TestPorts.next() + "&" + option;
        assertThat(failedStart(uri, true)).contains(message);
    }

    @ParameterizedTest
    @CsvSource({
            "requestTimeout=0, requestTimeout must be 1 or more",
            "chunkSize=0, chunkSize must be 1 or more",
            "maxDownloadSize=0, maxDownloadSize must be 1 or more",
            "firmwareRebootTimeout=-1, firmwareRebootTimeout must not be negative",
            "firmwareTransferTimeout=-1, firmwareTransferTimeout must not be negative",
            "interval=-1, interval must not be negative"
    })
    void aCallOptionFailsTheRouteOfItsProducer(String option, String message) throws Exception {
        String uri = "iotmp:device:alice/sensor/temperature?host=127.0.0.1&port=" + TestPorts.next() + "&" + option;
        assertThat(failedStart(uri, false)).contains(message);
    }

    /**
     * A URI of the wrong shape fails naming the shape it should have: a misspelt kind or service lists the right
     * ones (a misspelt service named only itself), a path a kind does not take shows that kind's form.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "iotmp:service:buckets/*     | true  | unknown IOTMP service 'buckets' in iotmp:service:{service}/{target};"
                    + " expected property, setProperty, device, endpoint, bucket, lock or unlock",
            "iotmp:service:bucket        | true  | expected iotmp:service:{service}/{target}, got bucket",
            "iotmp:devices:demo/d/t      | true  | Unknown iotmp endpoint kind 'devices'",
            "iotmp://device/demo/d/t     | true  | the kind ends with a colon: iotmp:device:demo/d/t",
            "iotmp:device:demo/d         | true  | a device consumer needs iotmp:device:{user}/{device}/{resource}",
            "iotmp:server                | true  | expected iotmp:server:{resource}",
            "iotmp:events                | false | iotmp:events endpoints can only be consumed (from)"
    })
    void aMisshapenUriFailsNamingTheShapeItShouldHave(String uri, boolean consumer, String message) throws Exception {
        String options = "?host=127.0.0.1&port=" + TestPorts.next();
        assertThat(failedStart(uri + options, consumer)).contains(message);
    }
}
