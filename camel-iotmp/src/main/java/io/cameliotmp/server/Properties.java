package io.cameliotmp.server;

/** Device properties as the server keeps them (docs/protocol.md §8.1): the store and who hears of changes. */
public final class Properties {

    private final BuiltinServices builtins;

    Properties(BuiltinServices builtins) {
        this.builtins = builtins;
    }

    /** The store behind the built-in property services. */
    public PropertyStore store() {
        return builtins.properties();
    }

    /** A property's value, or null. */
    public Object read(DeviceId device, String property) {
        return builtins.properties().read(device, property);
    }

    /** Sets a property as a device would, notifying property listeners and subscribed devices. */
    public void set(DeviceId device, String property, Object value) {
        builtins.setProperty(device, property, value);
    }

    public void addListener(PropertyListener listener) {
        builtins.addPropertyListener(listener);
    }

    public void removeListener(PropertyListener listener) {
        builtins.removePropertyListener(listener);
    }
}
