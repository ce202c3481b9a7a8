/**
 * A Java IOTMP device client: the device side of the Thinger.io IoT protocol, on Netty, with no Camel dependency.
 * <p>
 * {@link io.cameliotmp.device.IotmpDevice} connects to an IOTMP server, answers its requests (RUN, DESCRIBE,
 * START_STREAM / STOP_STREAM / STREAM_DATA on the device's resources) and calls the server's services (buckets,
 * endpoints, properties, other devices, server event streams). It speaks either protocol generation (gen-2:
 * IOTMP-Linux 2026+ and IOTMP-Embedded; gen-1: IOTMP-Linux before 2026, PSON v1), the legacy Thinger protocol of the
 * Arduino library up to 2.40 ({@link io.cameliotmp.device.IotmpDeviceBuilder#legacy()}), and either encoding of service
 * calls ({@link io.cameliotmp.device.ServiceLayout}), so it can stand in for every family of reference devices.
 * <p>
 * Uses: testing an IOTMP server (byte-exact conformance via {@link io.cameliotmp.device.IotmpDevice#send},
 * {@link io.cameliotmp.device.IotmpDevice#request} and {@link io.cameliotmp.device.DeviceFaults#sendRaw}), simulating
 * devices in examples, generating load (many devices on one shared event loop group, spread over local addresses),
 * and as a device SDK.
 * <p>
 * The protocol itself (frames, PSON, messages) lives in {@code io.cameliotmp.protocol}; the behaviour implemented here
 * follows sections 5 to 8 of the project's protocol reference ({@code docs/protocol.md}).
 */
package io.cameliotmp.device;
