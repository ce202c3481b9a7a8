package io.cameliotmp.protocol;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAccumulator;
import java.util.concurrent.atomic.DoubleAdder;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Numbers of Java types beyond the PSON-native ones (what camel-sql, Camel's JSON or a metrics library hand a route)
 * keep their value on the way to a device: the documented normalisation, never a silent cut.
 */
class PsonNumbersTest {

    private static PsonFormat format(String name) {
        return name.equals("V1") ? PsonFormat.V1 : PsonFormat.V2;
    }

    private static Object roundTrip(PsonFormat format, Object value) {
        return format.decode(format.toBytes(value));
    }

    @ParameterizedTest
    @ValueSource(strings = { "V1", "V2" })
    void wholeBigDecimalsTravelAsExactlyThatInteger(String name) {
        PsonFormat format = format(name);
        // 2^53 + 1: through double it arrived as 9007199254740992
        assertThat(roundTrip(format, new BigDecimal("9007199254740993"))).isEqualTo(9007199254740993L);
        assertThat(roundTrip(format, new BigDecimal("-9007199254740993.000"))).isEqualTo(-9007199254740993L);
        assertThat(roundTrip(format, new BigDecimal("9.223372036854775807E18"))).isEqualTo(Long.MAX_VALUE);
        assertThat(roundTrip(format, new BigDecimal(Long.MIN_VALUE))).isEqualTo(Long.MIN_VALUE);
        // beyond Long but within PSON's 64 bits: an integer, not an approximate float64
        assertThat(roundTrip(format, new BigDecimal("18446744073709551615")))
                .isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(roundTrip(format, new BigDecimal("-18446744073709551615")))
                .isEqualTo(new BigInteger("-18446744073709551615"));
        assertThat(roundTrip(format, new BigDecimal("1E+3"))).isEqualTo(1000L);
        assertThat(roundTrip(format, new BigDecimal("-0.00"))).isEqualTo(0L);
        // the same bytes a Long gives
        assertThat(format.toBytes(new BigDecimal("9007199254740993"))).isEqualTo(format.toBytes(9007199254740993L));
    }

    @ParameterizedTest
    @ValueSource(strings = { "V1", "V2" })
    void otherBigDecimalsTravelAsTheirNearestDouble(String name) {
        PsonFormat format = format(name);
        assertThat(format.toBytes(new BigDecimal("0.1"))).isEqualTo(format.toBytes(0.1));
        assertThat(format.toBytes(new BigDecimal("23.5"))).isEqualTo(format.toBytes(23.5));
        // a whole number beyond 64 bits: a float64, as the same Double
        assertThat(format.toBytes(new BigDecimal("1E+30"))).isEqualTo(format.toBytes(1e30));
    }

    @ParameterizedTest
    @ValueSource(strings = { "V1", "V2" })
    void aBigDecimalBeyondTheDoubleRangeIsRefusedNotSentAsInfinity(String name) {
        PsonFormat format = format(name);
        assertThatThrownBy(() -> format.toBytes(new BigDecimal("1E+400")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("float64");
        assertThatThrownBy(() -> format.sizeOf(new BigDecimal("-1E+999999999")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("float64");
    }

    @ParameterizedTest
    @ValueSource(strings = { "V1", "V2" })
    void numbersOfOtherTypesKeepTheirFraction(String name) {
        PsonFormat format = format(name);
        DoubleAdder adder = new DoubleAdder();
        adder.add(23.5);
        assertThat(roundTrip(format, adder)).isEqualTo(23.5f);
        DoubleAccumulator max = new DoubleAccumulator(Math::max, Double.NEGATIVE_INFINITY);
        max.accumulate(-0.25);
        assertThat(format.toBytes(max)).isEqualTo(format.toBytes(-0.25));
        DoubleAdder whole = new DoubleAdder();
        whole.add(7);
        assertThat(roundTrip(format, whole)).isEqualTo(7L);
        // whole numbers of such types stay exact, even beyond 2^53
        assertThat(roundTrip(format, new AtomicLong(Long.MIN_VALUE + 1))).isEqualTo(Long.MIN_VALUE + 1);
        assertThat(roundTrip(format, new AtomicLong(9007199254740993L))).isEqualTo(9007199254740993L);
    }
}
