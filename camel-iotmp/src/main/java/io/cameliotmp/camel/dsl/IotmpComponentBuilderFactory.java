package io.cameliotmp.camel.dsl;

/** Component DSL entry point for the iotmp component, in the shape of Camel's {@code *ComponentBuilderFactory}. */
public final class IotmpComponentBuilderFactory {

    private IotmpComponentBuilderFactory() {
    }

    /** A builder of an iotmp component; {@code register(context, "iotmp")} adds it to a context. */
    public static IotmpComponentBuilder iotmp() {
        return new IotmpComponentBuilder();
    }
}
