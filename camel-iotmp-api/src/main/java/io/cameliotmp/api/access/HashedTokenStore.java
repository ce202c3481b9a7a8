package io.cameliotmp.api.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Access tokens known by their SHA-256 hashes, as configured: the tokens themselves are never stored. A presented
 * token is hashed and compared with every stored hash in constant time, all of them every time.
 */
public final class HashedTokenStore implements AccessTokenStore {

    /** A stored token: the SHA-256 of the token, and its grant. */
    public record Entry(byte[] sha256, AccessToken grant) {
        public Entry {
            if (sha256.length != 32) {
                throw new IllegalArgumentException("token " + grant.name() + ": a SHA-256 hash has 32 bytes");
            }
            sha256 = sha256.clone();
        }
    }

    private final List<Entry> entries;

    public HashedTokenStore(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** How many tokens are stored. */
    public int size() {
        return entries.size();
    }

    @Override
    public Optional<AccessToken> find(String presented) {
        byte[] hash = sha256(presented);
        AccessToken found = null;
        for (Entry entry : entries) {
            // no early exit: every call compares with every hash
            if (MessageDigest.isEqual(entry.sha256(), hash) && found == null) {
                found = entry.grant();
            }
        }
        return Optional.ofNullable(found);
    }

    /** The SHA-256 of a token's UTF-8 bytes. */
    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The SHA-256 of a token as lower-case hex, as configured. */
    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    /**
     * Prints the hash to configure for a token: {@code java -cp camel-iotmp-api.jar
     * io.cameliotmp.api.access.HashedTokenStore TOKEN}.
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: HashedTokenStore <token>");
            System.exit(2);
        }
        System.out.println(sha256Hex(args[0]));
    }
}
