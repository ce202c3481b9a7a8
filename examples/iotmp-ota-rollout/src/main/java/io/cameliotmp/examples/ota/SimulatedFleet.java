package io.cameliotmp.examples.ota;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.OtaSettings;
import io.cameliotmp.device.OtaTarget;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Devices to try a rollout on without boards ({@code simulate.devices}): Java device clients with the {@code $ota}
 * resources of the Thinger Arduino library, connected to this application's server, running version 1.0.0. Every
 * fourth one has a flash that fails its writes, so a rollout meets failures.
 */
public final class SimulatedFleet extends ServiceSupport {

    private final String host;
    private final int port;
    private final String user;
    private final String credential;
    private final int count;
    private final List<IotmpDevice> devices = new ArrayList<>();

    public SimulatedFleet(String host, int port, String user, String credential, int count) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.credential = credential;
        this.count = count;
    }

    /** The id of simulated device {@code n} (from 1). */
    public static String deviceId(int n) {
        return String.format("sim-%02d", n);
    }

    /** Whether simulated device {@code n} has a failing flash. */
    public static boolean failing(int n) {
        return n % 4 == 0;
    }

    @Override
    protected void doStart() {
        for (int n = 1; n <= count; n++) {
            IotmpDevice device = IotmpDevice.builder().host(host).port(port)
                    .credentials(user, deviceId(n), credential)
                    .reconnectBackoff(Duration.ofMillis(200), Duration.ofSeconds(5))
                    .ota(failing(n) ? failingFlash() : OtaTarget.discarding(),
                            OtaSettings.defaults().withVersion("1.0.0"))
                    .build();
            devices.add(device);
            device.start();
        }
    }

    @Override
    protected void doStop() {
        devices.forEach(IotmpDevice::close);
        devices.clear();
    }

    /** A flash that accepts the update but fails on the first write, as worn-out flash does. */
    static OtaTarget failingFlash() {
        return size -> new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("flash write error at 0x" + Long.toHexString(0x10000));
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                write(0);
            }
        };
    }
}
