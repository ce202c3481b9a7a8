package io.cameliotmp.protocol;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The value semantics of {@link IotmpMessage} that tests and correlation maps rely on. */
class IotmpMessageTest {

    @Test
    void equalMessagesHaveEqualHashCodesAlsoWithBinaryValues() {
        List<Object> resources = List.of(new byte[] { 1, 2 }, List.of("a", new byte[] { 3 }),
                Map.of("k", new byte[] { 4 }));
        for (Object resource : resources) {
            IotmpMessage a = IotmpMessage.of(MessageType.RUN, 7, null, null, resource);
            IotmpMessage b = IotmpMessage.of(MessageType.RUN, 7, null, null, copy(resource));
            assertThat(a).isEqualTo(b);
            assertThat(a.hashCode()).as("hash of %s", a).isEqualTo(b.hashCode());
        }
    }

    @Test
    void messagesDifferInTypeIdAndEveryField() {
        IotmpMessage base = IotmpMessage.of(MessageType.RUN, 7, 1L, "in", "led");
        assertThat(base).isEqualTo(IotmpMessage.of(MessageType.RUN, 7, 1L, "in", "led"))
                .isNotEqualTo(IotmpMessage.of(MessageType.OK, 7, 1L, "in", "led"))
                .isNotEqualTo(IotmpMessage.of(MessageType.RUN, 8, 1L, "in", "led"))
                .isNotEqualTo(IotmpMessage.of(MessageType.RUN, 7, 2L, "in", "led"))
                .isNotEqualTo(IotmpMessage.of(MessageType.RUN, 7, 1L, "out", "led"))
                .isNotEqualTo(IotmpMessage.of(MessageType.RUN, 7, 1L, "in", "led2"));
    }

    private static Object copy(Object value) {
        if (value instanceof byte[] bytes) {
            return bytes.clone();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(IotmpMessageTest::copy).toList();
        }
        if (value instanceof Map<?, ?> map) {
            return Map.of(map.keySet().iterator().next(), copy(map.values().iterator().next()));
        }
        return value;
    }
}
