package io.cameliotmp.device;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Path patterns of device resources (docs/protocol.md §6.3). */
class ResourcePathTest {

    @Test
    void literalPathsMatchOnlyThemselves() {
        ResourcePath led = new ResourcePath("led");

        assertThat(led.isLiteral()).isTrue();
        assertThat(led.match("led")).isEmpty();
        assertThat(led.match("led/")).isNull();
        assertThat(led.match("le")).isNull();
    }

    @Test
    void namedSegmentsCaptureOneSegmentEvenAnEmptyOne() {
        ResourcePath params = new ResourcePath("$terminal/:session/params");

        assertThat(params.isLiteral()).isFalse();
        assertThat(params.match("$terminal/abc/params")).isEqualTo(Map.of("session", "abc"));
        assertThat(params.match("$terminal//params")).isEqualTo(Map.of("session", ""));
        assertThat(params.match("$terminal/a/b/params")).isNull();
        assertThat(params.match("$terminal/abc")).isNull();
        assertThat(params.match("$terminal/abc/params/x")).isNull();
    }

    @Test
    void restCapturesTheRemainderIncludingSlashesEvenAnEmptyOne() {
        ResourcePath get = new ResourcePath("$fs/:op/*path");

        assertThat(get.match("$fs/get/var/log/syslog")).isEqualTo(Map.of("op", "get", "path", "var/log/syslog"));
        assertThat(get.match("$fs/get/a")).isEqualTo(Map.of("op", "get", "path", "a"));
        assertThat(get.match("$fs/get/")).as("how a server lists the root").isEqualTo(Map.of("op", "get", "path", ""));
        assertThat(get.match("$fs/get")).isNull();
        assertThat(new ResourcePath("*all").match("x/y")).isEqualTo(Map.of("all", "x/y"));
    }

    @Test
    void loneMarkersAreLiteralAndRestMustBeLast() {
        assertThat(new ResourcePath("a/:/*").isLiteral()).isTrue();
        assertThatThrownBy(() -> new ResourcePath("$fs/*path/info")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ResourcePath("")).isInstanceOf(IllegalArgumentException.class);
    }
}
