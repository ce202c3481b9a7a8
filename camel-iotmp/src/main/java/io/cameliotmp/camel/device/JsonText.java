package io.cameliotmp.camel.device;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.util.json.DeserializationException;
import org.apache.camel.util.json.Jsoner;

/** Option values written as JSON ({@code inputSample}), read into the plain Java values PSON carries. */
final class JsonText {

    private JsonText() {
    }

    /**
     * The value of {@code text} read as JSON: maps, lists, {@code Long} for integral numbers, {@code Double} for the
     * others, booleans, strings and null. Text that is not JSON is taken as a string.
     */
    static Object parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return plain(Jsoner.deserialize(text));
        } catch (DeserializationException | RuntimeException e) {
            return text;
        }
    }

    private static Object plain(Object json) {
        if (json instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, value) -> copy.put(String.valueOf(key), plain(value)));
            return copy;
        }
        if (json instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(value -> copy.add(plain(value)));
            return copy;
        }
        if (json instanceof BigDecimal number) {
            try {
                return number.longValueExact();
            } catch (ArithmeticException notALong) {
                return number.doubleValue();
            }
        }
        return json;
    }
}
