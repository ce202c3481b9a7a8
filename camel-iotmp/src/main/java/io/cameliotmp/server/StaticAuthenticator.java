package io.cameliotmp.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Accepts the devices listed in configuration, {@code user/device → credential}. A {@code user/*} entry accepts
 * any device of that user with that credential.
 * <p>
 * Credentials are compared through their SHA-256 digests with {@link MessageDigest#isEqual}, so neither the content
 * nor the length of a stored credential can be learned from response timing.
 */
public final class StaticAuthenticator implements DeviceAuthenticator {

    private final Map<String, byte[]> digests = new LinkedHashMap<>();

    public StaticAuthenticator(Map<String, String> credentials) {
        credentials.forEach((device, credential) -> {
            DeviceId.parse(device);
            digests.put(device, digest(credential));
        });
    }

    /**
     * Parses {@code user/device=credential} entries separated by commas or new lines, e.g.
     * {@code demo/device-1=secret-1,demo/device-2=secret-2}.
     * <p>
     * A malformed entry fails naming its position and, at most, its {@code user/device}: never the text after the
     * {@code =}, nor an entry without one, since either may be a credential that the error would carry into logs.
     * An empty credential fails too: it is a placeholder that resolved to nothing far more often than a choice.
     */
    public static StaticAuthenticator parse(String entries) {
        Map<String, String> credentials = new LinkedHashMap<>();
        String[] parts = entries.split("[,\\n]");
        for (int i = 0; i < parts.length; i++) {
            String trimmed = parts[i].trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            String which = "entry " + (i + 1) + " of " + parts.length;
            int eq = trimmed.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(which + " is not user/device=credential (entries are separated by"
                                                   + " commas; the entry is not shown, it may hold a credential)");
            }
            String device = trimmed.substring(0, eq).trim();
            try {
                DeviceId.parse(device);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(which + ": " + e.getMessage() + " before the '='", e);
            }
            String credential = trimmed.substring(eq + 1).trim();
            if (credential.isEmpty()) {
                throw new IllegalArgumentException(which + ": " + device + " has an empty credential");
            }
            credentials.put(device, credential);
        }
        return new StaticAuthenticator(credentials);
    }

    @Override
    public CompletionStage<AuthDecision> authenticate(AuthRequest request) {
        byte[] expected = digests.get(request.user() + '/' + request.device());
        if (expected == null) {
            expected = digests.get(request.user() + "/*");
        }
        byte[] presented = digest(request.credential() == null ? "" : request.credential());
        boolean accepted = expected != null && MessageDigest.isEqual(expected, presented);
        return CompletableFuture.completedFuture(accepted ? AuthDecision.accept() : AuthDecision.badCredentials());
    }

    /** Equal when they accept the same devices with the same credentials, so endpoints can share a server. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StaticAuthenticator other) || !other.digests.keySet().equals(digests.keySet())) {
            return false;
        }
        return digests.entrySet().stream()
                .allMatch(e -> MessageDigest.isEqual(e.getValue(), other.digests.get(e.getKey())));
    }

    @Override
    public int hashCode() {
        return digests.keySet().hashCode();
    }

    @Override
    public String toString() {
        return "StaticAuthenticator" + digests.keySet();
    }

    private static byte[] digest(String credential) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(credential.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
