package io.cameliotmp.api.access;

import java.util.Optional;

/**
 * Where the device API looks up the access tokens callers present. The default keeps the tokens of the
 * configuration ({@code camel.iotmp.api.tokens}, stored as SHA-256 hashes); an application may declare a bean of
 * its own instead (tokens in a database, say). Implementations must not let the time a look-up takes depend on how
 * much of a stored token a presented one matches: compare hashes, with {@link java.security.MessageDigest#isEqual}.
 */
@FunctionalInterface
public interface AccessTokenStore {

    /** The grant of {@code presented}, or empty when it is no valid token. */
    Optional<AccessToken> find(String presented);
}
