package io.cameliotmp.api.access;

import java.util.Locale;

/** What an access token may do with the devices in its scope. */
public enum ApiAction {
    /** List devices, read their status, describe them and their resources. */
    READ,
    /** Run resources (GET without input, POST with a body). */
    RUN,
    /** Stream resources (Server-Sent Events, WebSocket). */
    STREAM,
    /** Open byte sessions: {@code $terminal}, {@code $cmd}, {@code $proxy}. */
    SESSION,
    /** Use the device's file system: {@code $fs/…} resources, downloads and uploads. */
    FILES,
    /** Update the device's firmware over the air ({@code POST …/firmware}). */
    FIRMWARE;

    /** The action named {@code name}, in any case; {@code describe} is {@link #READ}. */
    public static ApiAction parse(String name) {
        String normal = name.strip().toUpperCase(Locale.ROOT);
        return "DESCRIBE".equals(normal) ? READ : valueOf(normal);
    }
}
