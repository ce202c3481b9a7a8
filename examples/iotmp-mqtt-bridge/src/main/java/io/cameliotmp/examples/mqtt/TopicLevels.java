package io.cameliotmp.examples.mqtt;

/**
 * A device id as one level of an MQTT topic name, and back. The IOTMP server takes device ids with any character but a
 * slash and control characters, while a topic name may not contain MQTT's wildcards {@code +} and {@code #}: a
 * device named {@code sensor#1} made every publish of its samples fail (a Paho exception and an error logged per
 * sample). Those two are percent-encoded, and {@code %} too so that the encoding can be undone: {@code sensor#1} is
 * {@code devices/sensor%231/...}; ids without these three characters appear as they are.
 */
final class TopicLevels {

    private TopicLevels() {
    }

    /** {@code %} as {@code %25}, {@code +} as {@code %2B}, {@code #} as {@code %23}; everything else as it is. */
    static String encode(String level) {
        StringBuilder s = new StringBuilder(level.length() + 8);
        for (int i = 0; i < level.length(); i++) {
            char c = level.charAt(i);
            switch (c) {
                case '%' -> s.append("%25");
                case '+' -> s.append("%2B");
                case '#' -> s.append("%23");
                default -> s.append(c);
            }
        }
        return s.toString();
    }

    /**
     * The inverse of {@link #encode}, or null for a level that {@link #encode} does not make: a {@code %} not
     * followed by {@code 25}, {@code 2B} or {@code 23} (in upper case). Decoded leniently, {@code sensor%41} and
     * {@code sensor%2541} named one device, and {@code a%2bb} and {@code a%2Bb} another: two topics for a device, so a
     * broker ACL on the one its samples go to did not cover its sets.
     */
    static String decode(String level) {
        if (level.indexOf('%') < 0) {
            return level;
        }
        StringBuilder s = new StringBuilder(level.length());
        for (int i = 0; i < level.length(); i++) {
            char c = level.charAt(i);
            if (c != '%') {
                s.append(c);
                continue;
            }
            String code = i + 3 <= level.length() ? level.substring(i + 1, i + 3) : "";
            switch (code) {
                case "25" -> s.append('%');
                case "2B" -> s.append('+');
                case "23" -> s.append('#');
                default -> {
                    return null;
                }
            }
            i += 2;
        }
        return s.toString();
    }
}
