package io.cameliotmp.server.ota;

import io.cameliotmp.device.IotmpDeviceBuilder;
import io.cameliotmp.server.LegacyListeners;

/**
 * Every firmware update test again, with the devices speaking the legacy Thinger protocol (told apart by their first
 * byte on the server's port): updates with and without compression, and each interruption, over both protocols.
 */
class LegacyFirmwareUpdateTest extends FirmwareUpdateTest {

    @Override
    LegacyListeners legacyListeners() {
        return new LegacyListeners(true, LegacyListeners.NONE, LegacyListeners.NONE);
    }

    @Override
    void protocol(IotmpDeviceBuilder builder) {
        builder.legacy();
    }
}
