package io.cameliotmp.testing;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.PsonValues;

/**
 * Assertions on decoded PSON values. Equality is {@link PsonValues#equal} (byte arrays by content) plus what it does
 * not check: map key order (decoders keep insertion order) and the exact Java number class (a {@code Float} where a
 * {@code Double} is expected is a different wire encoding).
 */
public final class PsonAssertions {

    private PsonAssertions() {
    }

    /** Fails with both values printed unless they are equal, with identical map key order at every level. */
    public static void assertPsonEquals(Object actual, Object expected) {
        if (!PsonValues.equal(actual, expected) || !sameKeyOrder(actual, expected)) {
            throw new AssertionError("PSON values differ\nexpected: " + describe(expected) + "\nactual:   "
                                     + describe(actual));
        }
    }

    /** Message equality ({@link IotmpMessage#equals} uses {@link PsonValues#equal}) plus key order of its values. */
    public static void assertMessageEquals(IotmpMessage actual, IotmpMessage expected) {
        if (!expected.equals(actual) || !sameKeyOrder(actual.parameters(), expected.parameters())
            || !sameKeyOrder(actual.payload(), expected.payload())
            || !sameKeyOrder(actual.resource(), expected.resource())) {
            throw new AssertionError("messages differ\nexpected: " + expected + "\nactual:   " + actual);
        }
    }

    /** Longest description {@link #describe} returns; random values can be large. */
    private static final int MAX_DESCRIPTION = 600;

    /** {@link PsonValues#toString} plus the Java class of every number, which matters for floats; cut if long. */
    public static String describe(Object value) {
        String text = PsonValues.toString(value);
        StringBuilder s = new StringBuilder(text.length() > MAX_DESCRIPTION
                ? text.substring(0, MAX_DESCRIPTION) + "... (" + text.length() + " chars)"
                : text);
        List<String> numberClasses = new ArrayList<>();
        collectNumberClasses(value, numberClasses);
        if (!numberClasses.isEmpty()) {
            s.append("  numbers: ")
                    .append(numberClasses.size() > 20 ? numberClasses.subList(0, 20) + "..." : numberClasses);
        }
        return s.toString();
    }

    private static void collectNumberClasses(Object value, List<String> out) {
        if (value instanceof Number n) {
            out.add(n.getClass().getSimpleName());
        } else if (value instanceof Map<?, ?> map) {
            map.values().forEach(v -> collectNumberClasses(v, out));
        } else if (value instanceof List<?> list) {
            list.forEach(v -> collectNumberClasses(v, out));
        }
    }

    private static boolean sameKeyOrder(Object a, Object b) {
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (!new ArrayList<>(x.keySet()).equals(new ArrayList<>(y.keySet()))) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!sameKeyOrder(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List<?> x && b instanceof List<?> y && x.size() == y.size()) {
            Iterator<?> i = x.iterator();
            Iterator<?> j = y.iterator();
            while (i.hasNext()) {
                if (!sameKeyOrder(i.next(), j.next())) {
                    return false;
                }
            }
        }
        return true;
    }
}
