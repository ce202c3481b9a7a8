package io.cameliotmp.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.cameliotmp.device.ResourceKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Access tokens in front of the API: 401 without a valid one, 403 outside its scope, lists narrowed to it. */
class ApiAccessTest extends ApiTestSupport {

    private static final String DEMO = "/v3/users/demo/devices";

    @BeforeEach
    void connectDevices() throws Exception {
        connect("demo", "dev-1", "secret-1", device -> {
            device.resource("led").output(() -> true);
            device.resource("$fs/info/*path").handler(ResourceKind.OUTPUT,
                    request -> Map.of("path", request.pathParam("path")));
            device.resource("$fs/get/*path").handler(ResourceKind.OUTPUT,
                    request -> Map.of("path", request.pathParam("path")));
            device.resource("$terminal/:session").handler(ResourceKind.OUTPUT, request -> Map.of());
        });
        connect("demo", "dev-2", "secret-2", device -> device.resource("led").output(() -> false));
        connect("other", "dev-9", "secret-9", device -> device.resource("led").output(() -> true));
    }

    @Test
    void withoutAValidTokenEveryCallIs401() throws Exception {
        Answer none = send(request(DEMO, null).GET());
        Answer unknown = send(request(DEMO, "not-a-token").GET());
        Answer basic = send(request(DEMO, null).header("Authorization", "Basic ZGVtbzpkZW1v").GET());

        for (Answer answer : new Answer[] {none, unknown, basic}) {
            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.json().path("error").asText()).isEqualTo("Unauthorized");
            assertThat(answer.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"iotmp\"");
        }
        assertThat(none.json().path("message").asText()).contains("Authorization: Bearer");
    }

    @Test
    void theTokenMayComeAsAQueryParameter() throws Exception {
        Answer answer = send(request(DEMO + "/dev-1/resources/led?authorization=" + ALL, null).GET());

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.json().asBoolean()).isTrue();
    }

    @Test
    void aUserNeverReachesAnotherUsersDevices() throws Exception {
        assertThat(send(request(DEMO, "test-token-other").GET()).status()).isEqualTo(403);
        assertThat(send(request(DEMO + "/dev-1/resources/led", "test-token-other").GET()).status()).isEqualTo(403);
        assertThat(send(request("/v3/users/other/devices/dev-9/resources/led", ALL).GET()).status()).isEqualTo(403);
        // the same device name under the token's own user is another device: demo/dev-1 is not other/dev-1
        Answer own = send(request("/v3/users/other/devices/dev-1/resources/led", "test-token-other").GET());
        assertThat(own.status()).isEqualTo(404);
        JsonNode others = send(request("/v3/users/other/devices", "test-token-other").GET()).json();
        assertThat(others.findValuesAsText("device")).containsExactly("dev-9");
    }

    @Test
    void aReaderSeesOnlyItsDevicesAndRunsNothing() throws Exception {
        JsonNode listed = send(request(DEMO, "test-token-reader").GET()).json();
        assertThat(listed.findValuesAsText("device")).containsExactly("dev-1");
        assertThat(send(request(DEMO + "/dev-1/resources", "test-token-reader").GET()).status()).isEqualTo(200);
        assertThat(send(request(DEMO + "/dev-1/resources/led/api", "test-token-reader").GET()).status())
                .isEqualTo(200);

        Answer run = send(request(DEMO + "/dev-1/resources/led", "test-token-reader").GET());
        assertThat(run.status()).isEqualTo(403);
        assertThat(run.json().path("message").asText()).isEqualTo("the access token does not allow run");
        assertThat(send(request(DEMO + "/dev-2", "test-token-reader").GET()).status()).isEqualTo(403);
        assertThat(send(request(DEMO + "/dev-1/resources/led/stream", "test-token-reader").GET()).status())
                .isEqualTo(403);
    }

    @Test
    void aFilesTokenReachesOnlyItsPaths() throws Exception {
        Answer hosts = send(request(DEMO + "/dev-1/resources/$fs/info/etc/hosts", "test-token-files").GET());
        assertThat(hosts.status()).as(hosts.text()).isEqualTo(200);
        assertThat(hosts.json().path("path").asText()).isEqualTo("etc/hosts");

        assertThat(send(request(DEMO + "/dev-1/resources/%24fs%2Finfo%2Fhome%2Fx", "test-token-files").GET())
                .status()).isEqualTo(403);
        assertThat(send(request(DEMO + "/dev-1/resources/$fs/info/etc%2F..%2Fhome", "test-token-files").GET())
                .status()).isEqualTo(400);
        assertThat(send(request(DEMO + "/dev-1/resources/led", "test-token-files").GET()).status()).isEqualTo(403);
    }

    /**
     * The {@code $ota} resources are a firmware update's steps ({@code begin}, {@code write}, {@code end},
     * {@code reboot}): running them needs the action {@code firmware}, as {@code POST …/firmware} does. A token that
     * may run resources ran them, and could flash a device or interleave its chunks with a running update.
     */
    @Test
    void theOtaResourcesNeedTheFirmwareAction() throws Exception {
        java.util.concurrent.atomic.AtomicInteger reboots = new java.util.concurrent.atomic.AtomicInteger();
        connect("demo", "dev-ota", "secret-ota", device -> {
            device.resource("$ota/reboot").output(reboots::incrementAndGet);
            device.resource("$ota/version").output(() -> "1.0.0");
        });
        String ota = DEMO + "/dev-ota/resources/$ota";

        Answer reboot = send(request(ota + "/reboot", ALL).POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(reboot.status()).as(reboot.text()).isEqualTo(403);
        assertThat(reboot.json().path("message").asText()).isEqualTo("the access token does not allow firmware");
        assertThat(send(request(ota + "%2Freboot", ALL).GET()).status()).isEqualTo(403);
        assertThat(reboots).hasValue(0);

        // reading its description is reading; running it with the firmware action is allowed
        assertThat(send(request(ota + "/version/api", ALL).GET()).status()).isEqualTo(200);
        Answer version = send(request(ota + "/version", "test-token-ota").GET());
        assertThat(version.status()).as(version.text()).isEqualTo(200);
        assertThat(version.json().asText()).isEqualTo("1.0.0");
    }

    /**
     * A device's resource list shows what the token could reach: a resource its patterns match, or a template
     * ({@code $fs/get/*path}) whose names they could match. It listed every resource whatever the token.
     */
    @Test
    void aResourceListShowsWhatTheTokenCouldReach() throws Exception {
        assertThat(resourcesListed(ALL)).as("*")
                .containsExactlyInAnyOrder("led", "$fs/info/*path", "$fs/get/*path", "$terminal/:session");
        assertThat(resourcesListed("test-token-led")).containsExactly("led");
        assertThat(resourcesListed("test-token-get-tmp")).containsExactly("$fs/get/*path");
        assertThat(resourcesListed("test-token-files")).as("$fs/info/etc/*").containsExactly("$fs/info/*path");
        assertThat(resourcesListed("test-token-tmp")).as("$fs/info|download|upload/tmp/*")
                .containsExactly("$fs/info/*path");

        // still checked by name when used
        assertThat(send(request(DEMO + "/dev-1/resources/$fs/get/tmp/x", "test-token-get-tmp").GET()).status())
                .isEqualTo(200);
        assertThat(send(request(DEMO + "/dev-1/resources/$fs/get/etc/x", "test-token-get-tmp").GET()).status())
                .isEqualTo(403);
    }

    private List<String> resourcesListed(String token) throws Exception {
        Answer answer = send(request(DEMO + "/dev-1/resources", token).GET());
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        answer.json().fieldNames().forEachRemaining(names::add);
        return names;
    }
}
