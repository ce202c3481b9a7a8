package io.cameliotmp.examples.quickstart;

import java.time.Duration;
import java.util.Random;

/**
 * A room thermometer. The room's temperature follows a setpoint that swings ±1.5 °C around 22 °C, like a room
 * warming and cooling over a day, compressed into a ten-minute cycle so a chart shows the trend; the room lags behind
 * the setpoint and the sensor adds a little noise. Each {@link #measure()} advances the room by one reading period.
 */
final class SimulatedThermometer {

    static final double MEAN_CELSIUS = 22.0;
    static final double SWING_CELSIUS = 1.5;
    static final Duration CYCLE = Duration.ofMinutes(10);
    /** Fraction of the gap to the setpoint the room closes per minute. */
    private static final double LAG_PER_MINUTE = 0.5;
    private static final double NOISE_CELSIUS = 0.03;

    private final Random random;
    private final double periodMillis;
    private final double catchUp;
    private long readings;
    private double celsius = MEAN_CELSIUS;

    SimulatedThermometer(Random random, Duration period) {
        this.random = random;
        this.periodMillis = period.toMillis();
        this.catchUp = 1 - Math.pow(1 - LAG_PER_MINUTE, periodMillis / 60_000.0);
    }

    /** Advances the room by one period and returns the new reading. */
    synchronized double measure() {
        readings++;
        double phase = 2 * Math.PI * readings * periodMillis / CYCLE.toMillis();
        double setpoint = MEAN_CELSIUS + SWING_CELSIUS * Math.sin(phase);
        celsius += catchUp * (setpoint - celsius) + NOISE_CELSIUS * random.nextGaussian();
        return reading();
    }

    /** The latest reading, to the hundredth of a degree as a real sensor would report it. */
    synchronized double reading() {
        return Math.round(celsius * 100) / 100.0;
    }
}
