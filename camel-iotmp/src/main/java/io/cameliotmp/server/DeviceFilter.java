package io.cameliotmp.server;

/** Selects devices by user and device id; {@code *} matches any value. */
public record DeviceFilter(String user, String device) {

    public static final String ANY = "*";

    public boolean matches(DeviceId id) {
        return (ANY.equals(user) || user.equals(id.user())) && (ANY.equals(device) || device.equals(id.device()));
    }

    @Override
    public String toString() {
        return user + '/' + device;
    }
}
