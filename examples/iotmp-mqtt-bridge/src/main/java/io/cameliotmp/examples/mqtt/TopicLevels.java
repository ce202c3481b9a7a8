package io.cameliotmp.examples.mqtt;

import java.util.Locale;

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

    /** The inverse of {@link #encode}; any other {@code %} sequence is kept as it is. */
    static String decode(String level) {
        if (level.indexOf('%') < 0) {
            return level;
        }
        StringBuilder s = new StringBuilder(level.length());
        for (int i = 0; i < level.length(); i++) {
            char c = level.charAt(i);
            String code = c == '%' && i + 3 <= level.length()
                    ? level.substring(i + 1, i + 3).toUpperCase(Locale.ROOT) : "";
            char decoded = switch (code) {
                case "25" -> '%';
                case "2B" -> '+';
                case "23" -> '#';
                default -> 0;
            };
            if (decoded != 0) {
                s.append(decoded);
                i += 2;
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }
}
