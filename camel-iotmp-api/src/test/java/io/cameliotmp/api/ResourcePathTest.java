package io.cameliotmp.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResourcePathTest {

    @Test
    void readsEveryShape() {
        assertThat(ResourcePath.parse("/v3/users/u/devices/d/resources"))
                .isEqualTo(new ResourcePath("u", "d", null, false));
        assertThat(ResourcePath.parse("/ctx/v3/users/u/devices/d/resources/"))
                .isEqualTo(new ResourcePath("u", "d", null, false));
        assertThat(ResourcePath.parse("/v3/users/u/devices/d/resources/$fs/get/a%20b/c+d?x=1"))
                .isEqualTo(new ResourcePath("u", "d", "$fs/get/a b/c+d", false));
        assertThat(ResourcePath.parse("/v3/users/u/devices/d/resources/led/api"))
                .isEqualTo(new ResourcePath("u", "d", "led", true));
        assertThat(ResourcePath.parse("/v3/users/u/devices/d/resources/led%2Fapi"))
                .isEqualTo(new ResourcePath("u", "d", "led/api", false));
        assertThat(ResourcePath.parse("/v3/users/u/devices/d/resources/%C3%A9t%C3%A9"))
                .isEqualTo(new ResourcePath("u", "d", "été", false));
        // IOTMP-Linux's root listing and directory creation end with a slash
        assertThat(ResourcePath.parse("/v3/users/u/devices/d/resources/$fs/get/"))
                .isEqualTo(new ResourcePath("u", "d", "$fs/get/", false));
        assertThat(ResourcePath.parse("/v3/users/u/devices/d/resources/$fs/put/tmp/new/"))
                .isEqualTo(new ResourcePath("u", "d", "$fs/put/tmp/new/", false));
    }

    @Test
    void refusesWhatCouldEscapeAPatternOrIsMalformed() {
        for (String bad : new String[] {"/v3/users/u/devices/d/resources/a//b", "/v3/users/u/devices/d/resources/a/./b",
            "/v3/users/u/devices/d/resources/a%2F..%2Fb", "/v3/users/u/devices/d/resources/a%0a",
            "/v3/users/u/devices/d/resources/a%zz", "/v3/users/u/devices/d/resources/a%C3",
            "/v3/users/u%2A/devices/d/resources/a", "/v3/users/u/devices/d/resources/a%3Fb",
            "/v3/users/u/devices/d/resources/a*", "/v3/users/u/devices/d/other",
            "/v3/users/u/devices/d/resources/a//", "/v3/users/u/devices/d/resources/%2F"}) {
            assertThatThrownBy(() -> ResourcePath.parse(bad)).as(bad).isInstanceOf(InvalidRequestException.class);
        }
        assertThatThrownBy(() -> ResourcePath.requireResource("x".repeat(ResourcePath.MAX_RESOURCE_LENGTH + 1)))
                .isInstanceOf(InvalidRequestException.class);
    }
}
