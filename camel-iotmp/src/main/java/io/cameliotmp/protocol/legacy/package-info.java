/**
 * The legacy Thinger protocol of the {@code thinger.io} Arduino library up to 2.40 and the old Linux client
 * (docs/protocol.md, "The legacy protocol"): frames of type MESSAGE or KEEP_ALIVE, the operation in a signal flag,
 * fields with PSON v1 values under wire type 6. Frames and values only; sessions live in the server and the device
 * client. No Camel, server or device import.
 */
package io.cameliotmp.protocol.legacy;
