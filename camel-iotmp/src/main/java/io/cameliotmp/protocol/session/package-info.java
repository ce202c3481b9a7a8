/**
 * The session core both ends of an IOTMP connection share: request tracking with timeouts, stream id allocation, the
 * service codes, answer shapes, stream parameters and event subscriptions. Nothing here knows the server, the device
 * client or Camel; both ends build their sessions on it (docs/architecture.md).
 */
package io.cameliotmp.protocol.session;
