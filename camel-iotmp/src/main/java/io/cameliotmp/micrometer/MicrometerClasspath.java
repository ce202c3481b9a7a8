package io.cameliotmp.micrometer;

/**
 * Whether Micrometer, an optional dependency, is on the classpath. Names no Micrometer type itself, so the Camel
 * glue of both components asks it before it loads the classes that do.
 */
public final class MicrometerClasspath {

    private MicrometerClasspath() {
    }

    public static boolean present() {
        try {
            Class.forName("io.micrometer.core.instrument.MeterRegistry", false,
                    MicrometerClasspath.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
