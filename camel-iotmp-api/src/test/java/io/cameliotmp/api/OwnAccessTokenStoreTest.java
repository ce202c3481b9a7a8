package io.cameliotmp.api;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.cameliotmp.api.access.AccessToken;
import io.cameliotmp.api.access.AccessTokenStore;
import io.cameliotmp.api.access.ApiAction;
import io.cameliotmp.api.access.HashedTokenStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application's own {@link AccessTokenStore} bean (tokens in a database, say) replaces the configured tokens, as
 * api.md says: its tokens pass with the grants it gives, and the tokens of {@code camel.iotmp.api.tokens} (the test
 * application's, still configured) no longer do.
 */
@Import(OwnAccessTokenStoreTest.DatabaseTokens.class)
class OwnAccessTokenStoreTest extends OwnApplicationTestSupport {

    private static final String READER = "token-from-the-database";
    private static final String COMMA = "token-with-a-comma-in-its-device-pattern";

    @Autowired
    ApplicationContext context;

    @TestConfiguration
    static class DatabaseTokens {
        @Bean
        AccessTokenStore databaseTokens() {
            AccessToken reader = new AccessToken("reader", "demo", List.of("dev-1"), List.of("*"),
                    Set.of(ApiAction.READ, ApiAction.RUN));
            // one pattern, the comma part of it: it reaches a device named "dev-1,x", none of the two connected
            AccessToken comma = new AccessToken("comma", "demo", List.of("dev-1,*"), List.of("*"),
                    Set.of(ApiAction.READ));
            return presented -> READER.equals(presented) ? Optional.of(reader)
                    : COMMA.equals(presented) ? Optional.of(comma) : Optional.empty();
        }
    }

    @BeforeEach
    void connectDevices() throws Exception {
        connect("demo", "dev-1", "secret-1", device -> device.resource("led").output(() -> true));
        connect("demo", "dev-2", "secret-2", device -> device.resource("led").output(() -> false));
    }

    @Test
    void theApplicationsStoreDecidesAndTheConfiguredTokensAreIgnored() throws Exception {
        assertThat(context.getBeansOfType(AccessTokenStore.class)).as("one store, the application's")
                .containsOnlyKeys("databaseTokens");
        assertThat(context.getBeansOfType(HashedTokenStore.class)).isEmpty();

        Answer read = send(request("/v3/users/demo/devices/dev-1/resources/led", READER).GET());
        assertThat(read.status()).as(read.text()).isEqualTo(200);
        assertThat(read.json().asBoolean()).isTrue();
        // the grant is the store's: dev-2 is out of its reach, a file out of its actions
        assertThat(send(request("/v3/users/demo/devices/dev-2/resources/led", READER).GET()).status())
                .isEqualTo(403);
        Answer file = send(request("/v3/users/demo/devices/dev-1/files/download?path=/etc/hosts", READER).GET());
        assertThat(file.status()).as(file.text()).isEqualTo(403);
        assertThat(send(request("/v3/users/demo/devices", READER).GET()).json().findValuesAsText("device"))
                .containsExactly("dev-1");

        // a store's pattern may hold a comma: the device list keeps it one pattern, as each call's check does
        assertThat(send(request("/v3/users/demo/devices/dev-1/resources/led", COMMA).GET()).status())
                .isEqualTo(403);
        Answer listed = send(request("/v3/users/demo/devices", COMMA).GET());
        assertThat(listed.status()).as(listed.text()).isEqualTo(200);
        assertThat(listed.json().findValuesAsText("device")).isEmpty();

        // the test application's configured token, valid in every other test, is no token here
        Answer configured = send(request("/v3/users/demo/devices", ALL).GET());
        assertThat(configured.status()).as(configured.text()).isEqualTo(401);
    }
}
