package io.cameliotmp.api.access;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a valid access token grants: one user's devices, narrowed by device and resource patterns ({@code *} stands
 * for any run of characters, slashes included), and the actions it may take on them.
 *
 * @param name      the token's name, for logs (never the token itself)
 * @param user      the user whose devices it reaches; no other user's
 * @param devices   patterns of the devices it reaches
 * @param resources patterns of the resources it reaches
 * @param actions   what it may do
 */
public record AccessToken(String name, String user, List<String> devices, List<String> resources,
                          Set<ApiAction> actions) {

    public AccessToken {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(user, "user");
        devices = List.copyOf(devices);
        resources = List.copyOf(resources);
        actions = Set.copyOf(actions);
    }

    /** Whether the token reaches {@code device} of {@code user}. */
    public boolean reaches(String user, String device) {
        return this.user.equals(user) && (device == null || anyMatches(devices, device));
    }

    /** Whether the token reaches {@code resource} (of a device it reaches). */
    public boolean reachesResource(String resource) {
        return anyMatches(resources, resource);
    }

    /**
     * Whether any of {@code patterns} could match {@code template} as a device lists it: the name itself, or, for a
     * template ({@code $fs/get/*path}, {@code $terminal/:session}), some name it stands for, so that a token of
     * {@code $fs/get/tmp/*} is shown {@code $fs/get/*path}. A listing shows what this allows; each call is still
     * checked against the name it addresses ({@link #reachesResource}).
     */
    public static boolean anyIntersects(List<String> patterns, String template) {
        for (String pattern : patterns) {
            if (ResourceTemplates.intersects(pattern, template)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the token may take {@code action}. */
    public boolean allows(ApiAction action) {
        return actions.contains(action);
    }

    /** Whether any of {@code patterns} matches {@code value}. */
    public static boolean anyMatches(List<String> patterns, String value) {
        for (String pattern : patterns) {
            if (matches(pattern, value)) {
                return true;
            }
        }
        return false;
    }

    /** Glob matching where {@code *} matches any run of characters; iterative, linear in practice. */
    static boolean matches(String pattern, String value) {
        int p = 0;
        int v = 0;
        int star = -1;
        int resume = 0;
        while (v < value.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = v;
            } else if (p < pattern.length() && pattern.charAt(p) == value.charAt(v)) {
                p++;
                v++;
            } else if (star >= 0) {
                p = star + 1;
                v = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
