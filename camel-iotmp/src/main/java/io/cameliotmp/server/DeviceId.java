package io.cameliotmp.server;

import java.util.Objects;

/** A device as Thinger names it: the owning user and the device id, written {@code user/device}. */
public record DeviceId(String user, String device) {

    public DeviceId {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(device, "device");
    }

    /** Parses {@code user/device}. */
    public static DeviceId parse(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1 || text.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("expected user/device, got '" + text + "'");
        }
        return new DeviceId(text.substring(0, slash), text.substring(slash + 1));
    }

    @Override
    public String toString() {
        return user + '/' + device;
    }
}
