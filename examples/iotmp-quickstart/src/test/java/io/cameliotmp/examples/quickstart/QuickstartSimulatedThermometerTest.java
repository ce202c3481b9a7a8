package io.cameliotmp.examples.quickstart;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QuickstartSimulatedThermometerTest {

    private static final Duration PERIOD = Duration.ofSeconds(2);
    private static final int READINGS_PER_CYCLE = (int) (SimulatedThermometer.CYCLE.toMillis() / PERIOD.toMillis());

    @Test
    void readingsStayInARoomsRangeAndChange() {
        SimulatedThermometer thermometer = new SimulatedThermometer(new Random(42), PERIOD);

        double[] readings = IntStream.range(0, 3 * READINGS_PER_CYCLE).mapToDouble(i -> thermometer.measure())
                .toArray();

        double limit = SimulatedThermometer.SWING_CELSIUS + 0.5;
        assertThat(Arrays.stream(readings).min().orElseThrow())
                .isGreaterThan(SimulatedThermometer.MEAN_CELSIUS - limit);
        assertThat(Arrays.stream(readings).max().orElseThrow()).isLessThan(SimulatedThermometer.MEAN_CELSIUS + limit);
        long changes = IntStream.range(1, readings.length).filter(i -> readings[i] != readings[i - 1]).count();
        assertThat(changes).as("readings that differ from the previous one").isGreaterThan(readings.length / 2);
    }

    @Test
    void followsTheDailySwing() {
        SimulatedThermometer thermometer = new SimulatedThermometer(new Random(7), PERIOD);

        // the setpoint peaks a quarter into the cycle and bottoms out three quarters in; the room lags about a tenth
        double warmest = 0;
        double coolest = 0;
        for (int i = 1; i <= READINGS_PER_CYCLE; i++) {
            double celsius = thermometer.measure();
            if (i == READINGS_PER_CYCLE * 35 / 100) {
                warmest = celsius;
            } else if (i == READINGS_PER_CYCLE * 85 / 100) {
                coolest = celsius;
            }
        }
        assertThat(warmest).isGreaterThan(SimulatedThermometer.MEAN_CELSIUS + 0.6);
        assertThat(coolest).isLessThan(SimulatedThermometer.MEAN_CELSIUS - 0.6);
    }

    @Test
    void readsToTheHundredthOfADegree() {
        SimulatedThermometer thermometer = new SimulatedThermometer(new Random(1), PERIOD);

        for (int i = 0; i < 100; i++) {
            double celsius = thermometer.measure();
            assertThat(Math.abs(celsius * 100 - Math.round(celsius * 100))).isLessThan(1e-6);
            assertThat(thermometer.reading()).isEqualTo(celsius);
        }
    }
}
