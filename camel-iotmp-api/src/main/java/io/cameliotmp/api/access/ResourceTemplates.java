package io.cameliotmp.api.access;

import java.util.Arrays;

/**
 * Whether a resource pattern of an access token could match some name a resource template stands for. A device lists
 * its resources as it registered them: IOTMP-Linux lists templates such as {@code $fs/get/*path} or
 * {@code $terminal/:session}, where {@code :name} stands for one segment (any text without {@code /}) and
 * {@code *name}, the last segment, for the rest of the name, slashes included; either may be empty (docs/protocol.md
 * §6.3). A pattern such as {@code $fs/get/tmp/*} does not match the template as a string, yet reaches the names
 * {@code $fs/get/tmp/…} it stands for: the two are intersected, not matched.
 * <p>
 * Both sides are sequences of characters and wildcards (the pattern's {@code *}, any run of characters; the template's
 * captures), and they intersect when one string matches both: found by walking both at once, a table of suffix pairs
 * filled from the ends, in time proportional to the product of their lengths and memory to the template's (one row at
 * a time), without the backtracking that could blow up. A name without captures is matched as the token's own glob
 * matcher ({@link AccessToken#matches}) matches it.
 */
final class ResourceTemplates {

    /** The pattern's {@code *} or a template's {@code *name}: any run of characters, slashes included. */
    private static final int ANY = -1;
    /** A template's {@code :name}: any run of characters but {@code /}. */
    private static final int SEGMENT = -2;

    private ResourceTemplates() {
    }

    /** Whether {@code pattern} matches {@code template} itself or some name it stands for. */
    static boolean intersects(String pattern, String template) {
        int[] name = template(template);
        if (name == null) {
            return AccessToken.matches(pattern, template);
        }
        int[] glob = pattern.chars().map(c -> c == '*' ? ANY : c).toArray();
        return intersects(glob, name);
    }

    /**
     * A template's characters and wildcards, segment by segment as a device reads them ({@code :} or {@code *} and
     * at least one more character start a capture; {@code *name} is taken anywhere, not only last, so that no
     * template of a device is hidden by being read more narrowly than the device may); null when it has none.
     */
    private static int[] template(String template) {
        String[] segments = template.split("/", -1);
        boolean captures = false;
        int[] wildcards = new int[segments.length];
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.length() > 1 && (segment.charAt(0) == ':' || segment.charAt(0) == '*')) {
                captures = true;
                wildcards[i] = segment.charAt(0) == ':' ? SEGMENT : ANY;
            }
        }
        if (!captures) {
            return null;
        }
        int[] name = new int[template.length()];
        int length = 0;
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                name[length++] = '/';
            }
            if (wildcards[i] != 0) {
                name[length++] = wildcards[i];
            } else {
                for (int c = 0; c < segments[i].length(); c++) {
                    name[length++] = segments[i].charAt(c);
                }
            }
        }
        return Arrays.copyOf(name, length);
    }

    /**
     * Whether one string matches both. {@code both[j]}, for the row of {@code glob[i…]}: whether some string matches
     * {@code glob[i…]} and {@code name[j…]}. A wildcard may match nothing (skip it) or take what the other side has
     * next: a character, or all the other's wildcard stands for (the pattern's {@code *} takes a {@code :name}
     * whole; a {@code :name} takes no {@code /}).
     */
    private static boolean intersects(int[] glob, int[] name) {
        int n = glob.length;
        int m = name.length;
        boolean[] below = new boolean[m + 1]; // the row of glob[i + 1…]
        boolean[] row = new boolean[m + 1];
        for (int i = n; i >= 0; i--) {
            for (int j = m; j >= 0; j--) {
                boolean both;
                if (i == n && j == m) {
                    both = true;
                } else if (i < n && glob[i] == ANY) {
                    both = below[j] || j < m && row[j + 1];
                } else if (j < m && name[j] < 0) {
                    // a capture against a character of the pattern (or the pattern's end)
                    boolean takes = i < n && (name[j] == ANY || glob[i] != '/');
                    both = row[j + 1] || takes && below[j];
                } else {
                    both = i < n && j < m && glob[i] == name[j] && below[j + 1];
                }
                row[j] = both;
            }
            boolean[] done = below;
            below = row;
            row = done;
        }
        return below[0];
    }
}
