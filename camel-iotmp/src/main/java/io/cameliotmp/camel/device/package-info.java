/**
 * The {@code iotmp-device} Camel component: the Camel application is an IOTMP device. It connects to an IOTMP server
 * through the device client of {@code io.cameliotmp.device} (one connection per host, port, user and device, shared
 * by every endpoint that names it), its routes are the device's resources and receive its subscriptions and
 * lifecycle events, and its producers call the server's services as the device.
 */
package io.cameliotmp.camel.device;
