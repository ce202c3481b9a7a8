package io.cameliotmp.server;

/**
 * Whether the server takes devices that speak the legacy Thinger protocol (the {@code thinger.io} Arduino library up
 * to 2.40, the old Linux client), and where. Their ports are compiled into their firmware: 25200 plain, 25202 TLS.
 * When enabled, every listener of the server, the IOTMP one included, tells the protocols apart by the first byte.
 *
 * @param enabled whether legacy devices are accepted at all; off by default, so a server opens no ports and accepts
 *                no protocol it was not asked for
 * @param port    plain TCP port for legacy devices ({@value IotmpServerConfig#DEFAULT_LEGACY_PORT}); 0 picks a
 *                free one, -1 opens none
 * @param tlsPort TLS port for legacy devices ({@value IotmpServerConfig#DEFAULT_LEGACY_TLS_PORT}), with the server's
 *                TLS context; opened only when the server has one; 0 picks a free one, -1 opens none
 */
public record LegacyListeners(boolean enabled, int port, int tlsPort) {

    public static final LegacyListeners DISABLED = new LegacyListeners(false,
            IotmpServerConfig.DEFAULT_LEGACY_PORT, IotmpServerConfig.DEFAULT_LEGACY_TLS_PORT);

    /** Port value that opens no listener. */
    public static final int NONE = -1;

    public LegacyListeners {
        if (port < NONE || port > 65535) {
            throw new IllegalArgumentException("legacyPort out of range: " + port);
        }
        if (tlsPort < NONE || tlsPort > 65535) {
            throw new IllegalArgumentException("legacyTlsPort out of range: " + tlsPort);
        }
    }

    /** Legacy devices on the default ports. */
    public static LegacyListeners enabledOnDefaultPorts() {
        return new LegacyListeners(true, IotmpServerConfig.DEFAULT_LEGACY_PORT,
                IotmpServerConfig.DEFAULT_LEGACY_TLS_PORT);
    }
}
