package io.cameliotmp.camel;

import java.lang.reflect.Field;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.spi.UriParam;

/**
 * A generated property configurer that refuses a duration option's text Camel would misread. Camel 4's conversion of
 * text to a duration reads what it does not understand as zero, without a word: {@code 10S}, {@code 1M}, {@code P1D}
 * (Spring Boot's spellings of 10 seconds, a minute, a day), {@code -5s} or {@code 30x} became 0 ms, and zero means
 * "off" for several options ({@code interval} streams on change, {@code keepAlive} sends none, {@code
 * reconnectBackoffMax} stops reconnecting). A duration given as text (a URI, Camel Main's
 * {@code camel.component.iotmp.*}, a kamelet's property) must now be milliseconds, an ISO-8601 duration starting with
 * {@code PT}, or whole numbers with the units {@code d}, {@code h}, {@code m}, {@code s} and {@code ms} in that
 * order ({@code 1h30m}, {@code 500ms}); anything else fails naming the option. Values that are not text (a
 * {@link Duration} from the starter, a number from Java) go through untouched.
 */
public final class DurationSpellings extends WrappingPropertyConfigurer {

    /** Negative too: Camel reads {@code -1} as it is, and the options' own checks refuse it with their words. */
    private static final Pattern MILLISECONDS = Pattern.compile("-?\\d+");
    private static final Pattern WITH_UNITS = Pattern.compile("(?=\\d)(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?(\\d+ms)?");

    /** The duration options, by lower-case name. */
    private final Set<String> durations;

    private DurationSpellings(PropertyConfigurer generated, Set<String> durations) {
        super(generated);
        this.durations = durations;
    }

    /**
     * The check around a component's generated configurer: {@code current} while it wraps that one, a new one when the
     * configurer changed, null without one.
     *
     * @param options the options class whose {@code @UriParam} fields (its superclasses' too) declare the durations
     */
    public static DurationSpellings around(DurationSpellings current, PropertyConfigurer generated,
                                           Class<?> options) {
        if (generated == null) {
            return null;
        }
        return current != null && current.wraps(generated) ? current
                : new DurationSpellings(generated, durationsOf(options));
    }

    /** The lower-case names of the options declared as {@code java.time.Duration}. */
    static Set<String> durationsOf(Class<?> options) {
        Set<String> names = new HashSet<>();
        for (Class<?> type = options; type != null; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                UriParam param = field.getAnnotation(UriParam.class);
                if (param != null && Duration.class.getName().equals(param.javaType())) {
                    String name = param.name().isEmpty() ? field.getName() : param.name();
                    names.add(name.toLowerCase(Locale.ROOT));
                }
            }
        }
        return Set.copyOf(names);
    }

    /** Whether Camel reads this text as the duration it spells. */
    static boolean readable(String text) {
        String value = text.strip();
        if (MILLISECONDS.matcher(value).matches() || WITH_UNITS.matcher(value).matches()) {
            return true;
        }
        if (!value.startsWith("PT")) {
            return false;
        }
        try {
            return !Duration.parse(value).isNegative();
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    @Override
    public boolean configure(CamelContext camelContext, Object target, String name, Object value,
                             boolean ignoreCase) {
        if (value instanceof String text && durations.contains(name.toLowerCase(Locale.ROOT)) && !readable(text)) {
            throw new IllegalArgumentException(name + ": '" + text + "' is not a duration; give milliseconds"
                                               + " (30000), 30s, 5m, 1h30m, 500ms, 1d or PT30S");
        }
        return generated.configure(camelContext, target, name, value, ignoreCase);
    }
}
