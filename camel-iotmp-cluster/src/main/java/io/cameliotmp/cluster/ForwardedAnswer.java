package io.cameliotmp.cluster;

import java.io.Serial;
import java.time.Duration;

import io.cameliotmp.server.DeviceDisconnectedException;
import io.cameliotmp.server.DeviceErrorException;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceNotConnectedException;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.DeviceReply;
import io.cameliotmp.server.DeviceRequestTimeoutException;
import io.cameliotmp.server.FrameTooLargeForDeviceException;
import io.cameliotmp.server.IotmpRequestException;
import io.cameliotmp.server.MalformedAnswerException;
import io.cameliotmp.server.NotSupportedByDeviceException;
import io.cameliotmp.server.TooManyPendingRequestsException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The holder's outcome of a forwarded call: the device's OK, or which typed failure it was and what that failure
 * carries, so that the calling member fails with the same exception type a local call would.
 */
record ForwardedAnswer(Outcome outcome, int streamId, Object parameters, Object payload, String detail, long number,
                       long number2) {

    /** Travels as its ordinal ({@link #toBytes}): add new outcomes at the end only. */
    enum Outcome {
        OK, ERROR, NOT_CONNECTED, TIMEOUT, DISCONNECTED, TOO_MANY_PENDING, FRAME_TOO_LARGE, FAILED, NOT_SUPPORTED,
        MALFORMED_ANSWER
    }

    static ForwardedAnswer ok(DeviceReply reply) {
        return new ForwardedAnswer(Outcome.OK, reply.streamId(), reply.parameters(), reply.payload(), null, 0, 0);
    }

    /** The failure of the holder's own send, with what the calling member needs to rebuild it. */
    static ForwardedAnswer failure(Throwable failure, long timeoutMillis) {
        if (failure instanceof DeviceErrorException e) {
            return new ForwardedAnswer(Outcome.ERROR, 0, e.code(), e.payload(), null, 0, 0);
        } else if (failure instanceof DeviceNotConnectedException) {
            return new ForwardedAnswer(Outcome.NOT_CONNECTED, 0, null, null, null, 0, 0);
        } else if (failure instanceof DeviceRequestTimeoutException) {
            return new ForwardedAnswer(Outcome.TIMEOUT, 0, null, null, null, timeoutMillis, 0);
        } else if (failure instanceof DeviceDisconnectedException e) {
            return new ForwardedAnswer(Outcome.DISCONNECTED, 0, null, null, e.getMessage(), 0, 0);
        } else if (failure instanceof TooManyPendingRequestsException e) {
            return new ForwardedAnswer(Outcome.TOO_MANY_PENDING, 0, null, null, e.getMessage(), 0, 0);
        } else if (failure instanceof NotSupportedByDeviceException e) {
            return new ForwardedAnswer(Outcome.NOT_SUPPORTED, 0, null, null, e.getMessage(), 0, 0);
        } else if (failure instanceof MalformedAnswerException e) {
            return new ForwardedAnswer(Outcome.MALFORMED_ANSWER, 0, null, null, e.getMessage(), 0, 0);
        } else if (failure instanceof FrameTooLargeForDeviceException e) {
            return new ForwardedAnswer(Outcome.FRAME_TOO_LARGE, 0, null, null, null, e.frameSize(), e.limit());
        }
        return new ForwardedAnswer(Outcome.FAILED, 0, null, null, String.valueOf(failure), 0, 0);
    }

    /** On the wire: the fields as a run of PSON values (see {@link ForwardedCall}). */
    byte[] toBytes() {
        return ForwardedCall.encode((long) outcome.ordinal(), (long) streamId, parameters, payload, detail, number,
                number2);
    }

    static ForwardedAnswer fromBytes(byte[] bytes) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        return new ForwardedAnswer(Outcome.values()[(int) ForwardedCall.number(in)], (int) ForwardedCall.number(in),
                ForwardedCall.next(in), ForwardedCall.next(in), (String) ForwardedCall.next(in),
                ForwardedCall.number(in), ForwardedCall.number(in));
    }

    /** The reply of the holder's connection, or the exception a local call would have failed with. */
    DeviceReply toReply(DeviceRegistration registration, String request) {
        DeviceId device = registration.deviceId();
        return switch (outcome) {
            case OK -> new DeviceReply(registration, streamId, parameters, payload);
            case ERROR -> throw new DeviceErrorException(device, request, parameters, payload);
            case NOT_CONNECTED -> throw new DeviceNotConnectedException(device);
            case TIMEOUT -> throw new DeviceRequestTimeoutException(device, request, Duration.ofMillis(number));
            case DISCONNECTED -> throw new DeviceDisconnectedException(device, reason(device, detail));
            case TOO_MANY_PENDING -> throw new ForwardedTooManyPending(device, detail);
            case FRAME_TOO_LARGE -> throw new FrameTooLargeForDeviceException(device, request, (int) number,
                    (int) number2);
            case NOT_SUPPORTED -> throw new NotSupportedByDeviceException(device, detail);
            case MALFORMED_ANSWER -> throw new MalformedAnswerException(device, detail);
            case FAILED -> throw new IotmpRequestException(device, "forwarded " + request + " failed: " + detail);
        };
    }

    /** The reason inside a {@link DeviceDisconnectedException}'s message, so it is not wrapped twice. */
    private static String reason(DeviceId device, String message) {
        String prefix = "device " + device + " disconnected before answering: ";
        return message != null && message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    /** {@link TooManyPendingRequestsException} with the holder's own message (it names the holder's limit). */
    static final class ForwardedTooManyPending extends TooManyPendingRequestsException {
        @Serial
        private static final long serialVersionUID = 1L;

        private final String message;

        ForwardedTooManyPending(DeviceId device, String message) {
            super(device, 0);
            this.message = message;
        }

        @Override
        public String getMessage() {
            return message;
        }
    }
}
