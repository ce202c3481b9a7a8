package io.cameliotmp.api.access;

import java.util.List;
import java.util.Set;

import io.cameliotmp.api.InvalidRequestException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Scope decisions: patterns, users, actions, and what each request path asks for. */
class AccessTokenTest {

    private static final AccessToken FILES = new AccessToken("files", "demo", List.of("gw-*"),
            List.of("$fs/info/etc/*", "temperature"), Set.of(ApiAction.READ, ApiAction.FILES));

    @Test
    void globsMatchAnyRunOfCharactersSlashesIncluded() {
        assertThat(AccessToken.matches("*", "")).isTrue();
        assertThat(AccessToken.matches("$fs/info/etc/*", "$fs/info/etc/ssh/sshd_config")).isTrue();
        assertThat(AccessToken.matches("$fs/info/etc/*", "$fs/info/home/x")).isFalse();
        assertThat(AccessToken.matches("gw-*-b", "gw-1-b")).isTrue();
        assertThat(AccessToken.matches("gw-*-b", "gw-1-c")).isFalse();
        assertThat(AccessToken.matches("a*a*a*a*b", "a".repeat(200))).isFalse();
    }

    /**
     * A device lists templates (IOTMP-Linux: {@code $fs/get/*path}, {@code $terminal/:session}): a pattern could reach
     * one when it matches some name the template stands for, which matching the template as a string misses.
     */
    @Test
    void aPatternIntersectsTheTemplatesWhoseNamesItCouldMatch() {
        assertThat(AccessToken.matches("$fs/get/tmp/*", "$fs/get/*path")).as("as a string").isFalse();
        assertThat(ResourceTemplates.intersects("$fs/get/tmp/*", "$fs/get/*path")).isTrue();
        assertThat(ResourceTemplates.intersects("$fs/get/tmp/*", "$fs/info/*path")).isFalse();
        assertThat(ResourceTemplates.intersects("$fs/get/", "$fs/get/*path")).as("an empty rest").isTrue();
        assertThat(ResourceTemplates.intersects("$fs/*/etc/hosts", "$fs/get/*path")).isTrue();
        assertThat(ResourceTemplates.intersects("led", "led")).isTrue();
        assertThat(ResourceTemplates.intersects("led", "$fs/get/*path")).isFalse();
        assertThat(ResourceTemplates.intersects("led", "led2")).isFalse();
        assertThat(ResourceTemplates.intersects("*", "$terminal/:session")).isTrue();
        assertThat(ResourceTemplates.intersects("*", "")).isTrue();

        // :name is one segment, any text without a slash, possibly empty
        assertThat(ResourceTemplates.intersects("$terminal/abc", "$terminal/:session")).isTrue();
        assertThat(ResourceTemplates.intersects("$terminal/a/b", "$terminal/:session")).isFalse();
        assertThat(ResourceTemplates.intersects("$terminal/a/params", "$terminal/:session/params")).isTrue();
        assertThat(ResourceTemplates.intersects("$terminal/a/b/params", "$terminal/:session/params")).isFalse();
        assertThat(ResourceTemplates.intersects("$terminal/*/params", "$terminal/:session/params")).isTrue();
        assertThat(ResourceTemplates.intersects("$terminal/*", "$terminal/:session/params")).isTrue();
        assertThat(ResourceTemplates.intersects("$terminal/x*", "$terminal/:session")).isTrue();
        assertThat(ResourceTemplates.intersects("$cmd/*", "$terminal/:session")).isFalse();
        assertThat(ResourceTemplates.intersects("a*b*c", "a:x/*rest")).isTrue();
        assertThat(ResourceTemplates.intersects("ab/c", "a:x")).isFalse();

        // the table is one row of the template's length per character of the pattern: no backtracking blow-up
        assertThat(ResourceTemplates.intersects("a*".repeat(500) + "b", "a".repeat(500) + "/:x/" + "a".repeat(500)))
                .isFalse();
        assertThat(AccessToken.anyIntersects(FILES.resources(), "$fs/info/*path")).isTrue();
        assertThat(AccessToken.anyIntersects(FILES.resources(), "$fs/get/*path")).isFalse();
    }

    /** Resource patterns reach the resource list through a header: any text, commas included, comes back whole. */
    @Test
    void resourcePatternsGoThroughTheirHeaderWhole() {
        List<String> patterns = List.of("led", "$fs/get/tmp/*", "a,b", "x y+%", "é");
        assertThat(ApiAccessFilter.patterns(ApiAccessFilter.encodePatterns(patterns))).isEqualTo(patterns);
        assertThat(ApiAccessFilter.patterns(ApiAccessFilter.encodePatterns(List.of()))).isEmpty();
    }

    @Test
    void eachPathAsksForItsAction() {
        assertThat(ApiRequest.of("GET", "/v3/users/demo/devices"))
                .isEqualTo(new ApiRequest("demo", null, null, ApiAction.READ));
        assertThat(ApiRequest.of("GET", "/v3/users/demo/devices/gw-1"))
                .isEqualTo(new ApiRequest("demo", "gw-1", null, ApiAction.READ));
        assertThat(ApiRequest.of("GET", "/v3/users/demo/devices/gw-1/resources"))
                .isEqualTo(new ApiRequest("demo", "gw-1", null, ApiAction.READ));
        assertThat(ApiRequest.of("GET", "/v3/users/demo/devices/gw-1/resources/led/api"))
                .isEqualTo(new ApiRequest("demo", "gw-1", "led", ApiAction.READ));
        assertThat(ApiRequest.of("POST", "/v3/users/demo/devices/gw-1/resources/led"))
                .isEqualTo(new ApiRequest("demo", "gw-1", "led", ApiAction.RUN));
        assertThat(ApiRequest.of("GET", "/v3/users/demo/devices/gw-1/resources/%24fs%2Finfo%2Fetc%2Fhosts"))
                .isEqualTo(new ApiRequest("demo", "gw-1", "$fs/info/etc/hosts", ApiAction.FILES));
        assertThat(ApiRequest.of("GET", "/v3/users/demo/devices/gw-1/resources/temperature/stream?interval=1"))
                .isEqualTo(new ApiRequest("demo", "gw-1", "temperature", ApiAction.STREAM));
        assertThat(ApiRequest.of("GET", "/v3/users/demo/devices/gw-1/resources/$cmd/run"))
                .isEqualTo(new ApiRequest("demo", "gw-1", "$cmd/run", ApiAction.SESSION));
        assertThat(ApiRequest.of("GET", "/v3/users/demo/devices/gw-1/sessions/terminal"))
                .isEqualTo(new ApiRequest("demo", "gw-1", "$terminal", ApiAction.SESSION));
        assertThat(ApiRequest.of("GET", "/v3/users/demo/devices/gw-1/files/download?path=/etc/hosts",
                () -> "/etc/hosts"))
                .isEqualTo(new ApiRequest("demo", "gw-1", "$fs/download/etc/hosts", ApiAction.FILES));
        assertThat(ApiRequest.of("POST", "/v3/users/demo/devices/gw-1/files/upload?path=tmp/x", () -> "tmp/x"))
                .isEqualTo(new ApiRequest("demo", "gw-1", "$fs/upload/tmp/x", ApiAction.FILES));
        assertThat(ApiRequest.of("GET", "/v3/users/demo/devices/gw-1/files/delete?path=/x", () -> "/x")).isNull();
        assertThat(ApiRequest.of("GET", "/v3/other")).isNull();
        assertThat(ApiRequest.of("GET", "/v3/users/demo/devices/gw-1/a/b/c")).isNull();
        assertThatThrownBy(() -> ApiRequest.of("GET", "/v3/users/demo/devices/gw*"))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void aTokenReachesOnlyItsUsersDevicesResourcesAndActions() {
        assertThat(ApiAccessFilter.denial(FILES,
                ApiRequest.of("GET", "/v3/users/demo/devices/gw-1/resources/$fs/info/etc/hosts"))).isNull();
        assertThat(ApiAccessFilter.denial(FILES, ApiRequest.of("GET", "/v3/users/demo/devices"))).isNull();
        assertThat(ApiAccessFilter.denial(FILES, ApiRequest.of("GET", "/v3/users/eve/devices/gw-1")))
                .contains("user eve");
        assertThat(ApiAccessFilter.denial(FILES, ApiRequest.of("GET", "/v3/users/demo/devices/sensor-1")))
                .contains("device sensor-1");
        assertThat(ApiAccessFilter.denial(FILES,
                ApiRequest.of("GET", "/v3/users/demo/devices/gw-1/resources/$fs/info/home/x")))
                .contains("resource $fs/info/home/x");
        assertThat(ApiAccessFilter.denial(FILES,
                ApiRequest.of("GET", "/v3/users/demo/devices/gw-1/resources/temperature")))
                .contains("does not allow run");
        assertThat(ApiAccessFilter.denial(FILES,
                ApiRequest.of("GET", "/v3/users/demo/devices/gw-1/resources/temperature/stream")))
                .contains("does not allow stream");
    }

    @Test
    void aFileOperationAsksForItsPathAndNoRelativePathLeavesIt() {
        AccessToken tmp = new AccessToken("tmp", "demo", List.of("*"), List.of("$fs/download/tmp/*"),
                Set.of(ApiAction.FILES));
        String download = "/v3/users/demo/devices/gw-1/files/download";
        assertThat(ApiAccessFilter.denial(tmp, ApiRequest.of("GET", download, () -> "/tmp/log/a.txt"))).isNull();
        assertThat(ApiAccessFilter.denial(tmp, ApiRequest.of("GET", download, () -> "tmp/a.txt"))).isNull();
        assertThat(ApiAccessFilter.denial(tmp, ApiRequest.of("GET", download, () -> "/etc/passwd")))
                .contains("resource $fs/download/etc/passwd");
        assertThat(ApiAccessFilter.denial(tmp,
                ApiRequest.of("POST", "/v3/users/demo/devices/gw-1/files/upload", () -> "/tmp/a.txt")))
                .contains("resource $fs/upload/tmp/a.txt");
        for (String escape : List.of("/tmp/../etc/passwd", "/tmp/a/../../etc", "/tmp/./x", "//etc/passwd",
                "/tmp//x", "/tmp/", "")) {
            assertThatThrownBy(() -> ApiRequest.of("GET", download, () -> escape)).as(escape)
                    .isInstanceOf(InvalidRequestException.class);
        }
        assertThatThrownBy(() -> ApiRequest.of("GET", download, () -> null))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("?path=");
    }

    @Test
    void storedTokensAreFoundByTheirHashOnly() {
        HashedTokenStore store = new HashedTokenStore(List.of(
                new HashedTokenStore.Entry(HashedTokenStore.sha256("s3cret"), FILES)));

        assertThat(store.find("s3cret")).contains(FILES);
        assertThat(store.find("s3cret ")).isEmpty();
        assertThat(store.find("")).isEmpty();
        assertThat(HashedTokenStore.sha256Hex("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
