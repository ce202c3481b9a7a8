package io.cameliotmp.server;

import io.cameliotmp.protocol.session.ServiceCode;

/**
 * A device→server RUN: a Thinger service call or the call of a named server resource.
 *
 * @param service       the service, or null for a named server resource
 * @param target        the bucket, endpoint, property, sync or resource name; for CALL_DEVICE {@code device/resource}
 * @param payload       the data the device sent, or null
 * @param replyExpected false when the device sent no stream id: the result is then not sent back
 */
public record DeviceCall(DeviceRegistration registration, ServiceCode service, String target, Object payload,
                         boolean replyExpected) {
}
