package io.cameliotmp.camel.device;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.camel.IotmpConstants;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpDisconnectedException;
import io.cameliotmp.device.IotmpErrorException;
import io.cameliotmp.device.IotmpRequestTimeoutException;
import io.cameliotmp.testing.TestPorts;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every producer operation against the project's own server: bucket writes, endpoint calls, properties, calls of
 * another device, topics, sync locks, confirmed and not, and the typed exceptions of refusals, timeouts and a device
 * that is not connected.
 */
class IotmpDeviceComponentServicesTest extends IotmpDeviceTestSupport {

    private final CountDownLatch releaseStuck = new CountDownLatch(1);
    private IotmpDevice other;

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // the server's side
                from("iotmp:service:bucket/*").to("mock:bucket");
                from("iotmp:service:endpoint/alert").to("mock:alert").setBody(constant("ignored"));
                from("iotmp:service:endpoint/stuck")
                        .process(e -> releaseStuck.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
                from("iotmp:topic:alerts/#").to("mock:topic");

                // the device's side: producers from direct routes, as an application has them
                from("iotmp-device:temperature").setBody(constant(20));
                from("direct:bucket").to("iotmp-device:temps?operation=writeBucket");
                from("direct:alert").to("iotmp-device:alert?operation=callEndpoint");
            }
        };
    }

    @AfterEach
    void closeOther() {
        releaseStuck.countDown();
        if (other != null) {
            other.close();
        }
    }

    private Exchange send(String uri, Object body) {
        return template.send(uri, e -> e.getMessage().setBody(body));
    }

    @Test
    void bucketWritesAndEndpointCallsReachTheServerConfirmedOrNot() throws Exception {
        awaitConnected();
        MockEndpoint bucket = getMockEndpoint("mock:bucket");
        bucket.expectedBodiesReceived(new LinkedHashMap<>(Map.of("celsius", 21.5f)),
                new LinkedHashMap<>(Map.of("celsius", 22L)));
        bucket.expectedHeaderReceived(IotmpConstants.RESOURCE, "temps");
        MockEndpoint alert = getMockEndpoint("mock:alert");
        alert.expectedBodiesReceived("fire");

        assertThat(template.requestBody("direct:bucket", Map.of("celsius", 21.5)))
                .as("a write keeps the body").isEqualTo(Map.of("celsius", 21.5));
        assertThat(send("iotmp-device:temps?operation=writeBucket&confirm=false", Map.of("celsius", 22))
                .getException()).isNull();
        template.requestBody("direct:alert", "fire");

        MockEndpoint.assertIsSatisfied(WAIT.toMillis(), TimeUnit.MILLISECONDS, bucket, alert);
    }

    /**
     * A lazy producer of a device no route has connected yet makes the connection on its first message: that message
     * failed as not connected, every time. It now waits for the connection it made.
     */
    @Test
    void aLazyProducerDeliversItsFirstMessageOnTheConnectionItMakes() throws Exception {
        MockEndpoint bucket = getMockEndpoint("mock:bucket");
        bucket.expectedMessageCount(1);
        bucket.message(0).header(IotmpConstants.DEVICE).isEqualTo("lazy");

        Exchange first = send("iotmp-device:temps?operation=writeBucket&lazyStartProducer=true&device=lazy"
                              + "&credential=other-secret", Map.of("celsius", 23));

        assertThat(first.getException()).isNull();
        bucket.assertIsSatisfied(WAIT.toMillis());
    }

    @Test
    void aRefusalIsAnIotmpErrorExceptionWithTheServersCode() {
        awaitConnected();
        Exchange refused = send("iotmp-device:nobody-listens?operation=callEndpoint", "x");
        assertThat(refused.getException()).isInstanceOf(IotmpErrorException.class);
        assertThat(((IotmpErrorException) refused.getException()).code()).isEqualTo(404L);

        Exchange missing = send("iotmp-device:never-set?operation=readProperty", null);
        assertThat(missing.getException()).isInstanceOf(IotmpErrorException.class);
    }

    @Test
    void propertiesAreSetAndReadBack() {
        awaitConnected();
        Exchange set = send("iotmp-device:threshold?operation=setProperty", 30);
        assertThat(set.getException()).isNull();
        assertThat(template.requestBody("iotmp-device:threshold?operation=readProperty", "anything"))
                .isEqualTo(30L);
        assertThat(template.requestBody(SERVER_SIDE + "/threshold?operation=getProperty", (Object) null))
                .as("what the server stored").isEqualTo(30L);
        // the target from a header
        assertThat(template.requestBodyAndHeader("iotmp-device:unused?operation=readProperty", null,
                IotmpDeviceConstants.TARGET, "threshold")).isEqualTo(30L);
    }

    @Test
    void callDeviceRunsAResourceOfAnotherDeviceOfTheSameUser() throws Exception {
        awaitConnected();
        other = IotmpDevice.builder().host("127.0.0.1").port(port).credentials(USER, "lamp", "other-secret")
                .build();
        other.resource("brightness").inputOutput(in -> Map.of("set", in == null ? 0L : in));
        other.start().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(template.requestBody("iotmp-device:lamp/brightness?operation=callDevice", 80))
                .isEqualTo(Map.of("set", 80L));
        Exchange offline = send("iotmp-device:nolamp/brightness?operation=callDevice", 80);
        assertThat(offline.getException()).isInstanceOf(IotmpErrorException.class);
        assertThat(((IotmpErrorException) offline.getException()).code()).isEqualTo(404L);
    }

    @Test
    void publishedMessagesReachTheTopicConsumersOfTheServer() throws Exception {
        awaitConnected();
        MockEndpoint topic = getMockEndpoint("mock:topic");
        topic.expectedBodiesReceived("smoke", "heat");
        topic.expectedHeaderReceived(IotmpConstants.DEVICE, DEVICE);

        assertThat(send("iotmp-device:alerts/kitchen?operation=publish", "smoke").getException()).isNull();
        assertThat(send("iotmp-device:topic:alerts/kitchen", "heat").getException()).isNull();

        topic.assertIsSatisfied(WAIT.toMillis());
        assertThat(topic.getExchanges().get(0).getMessage().getHeader(IotmpConstants.TOPIC))
                .isEqualTo("alerts/kitchen");
    }

    @Test
    void aLockIsHeldUntilUnlockedWithItsToken() {
        awaitConnected();
        Exchange locked = send("iotmp-device:pump?operation=lock", Map.of("timeout", 600));
        assertThat(locked.getException()).isNull();
        String token = locked.getMessage().getHeader(IotmpDeviceConstants.LOCK_TOKEN, String.class);
        assertThat(token).isNotBlank();
        assertThat(locked.getMessage().getBody()).isEqualTo(Map.of("lock", token));

        Exchange taken = send("iotmp-device:pump?operation=lock", null);
        assertThat(taken.getException()).isInstanceOf(IotmpErrorException.class);
        assertThat(((IotmpErrorException) taken.getException()).code()).isEqualTo(409L);

        Exchange unlocked = template.send("iotmp-device:pump?operation=unlock", e -> e.getMessage()
                .setHeader(IotmpDeviceConstants.LOCK_TOKEN, token));
        assertThat(unlocked.getException()).isNull();
        assertThat(send("iotmp-device:pump?operation=lock", null).getException()).as("free again").isNull();
        assertThat(send("iotmp-device:pump?operation=unlock", Map.of("lock", "not-the-token")).getException())
                .isInstanceOf(IotmpErrorException.class);
    }

    @Test
    void anUnansweredCallTimesOutWithIotmpRequestTimeoutException() {
        // its own connection, with a request timeout that the stuck endpoint outlasts
        String slow = "iotmp-device:stuck?operation=callEndpoint&device=slow&credential=other-secret"
                      + "&requestTimeout=" + Duration.ofSeconds(2).toMillis();
        send(slow + "&confirm=false", "warm-up"); // opens the connection; fails while it connects
        eventually().until(() -> connection("slow").device().isConnected());

        Exchange timedOut = send(slow, "x");

        assertThat(timedOut.getException()).isInstanceOf(IotmpRequestTimeoutException.class);
    }

    @Test
    void aDeviceThatIsNotConnectedFailsWithIotmpDisconnectedException() {
        int nobodyListens = TestPorts.next();
        Exchange offline = send("iotmp-device:temps?operation=writeBucket&device=offline&port=" + nobodyListens,
                Map.of("celsius", 1));
        assertThat(offline.getException()).isInstanceOf(IotmpDisconnectedException.class);
        assertThat(send("iotmp-device:topic:alerts/x?device=offline&port=" + nobodyListens, "y").getException())
                .isInstanceOf(IotmpDisconnectedException.class);
    }
}
