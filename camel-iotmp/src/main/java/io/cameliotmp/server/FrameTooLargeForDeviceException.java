package io.cameliotmp.server;

/**
 * A request was not sent because its frame is larger than the device accepts ({@code maxOutboundFrameSize}); devices
 * drop the connection on such a frame, so the server refuses it instead and the device stays connected.
 */
public class FrameTooLargeForDeviceException extends RequestNotSentException {

    private static final long serialVersionUID = 1L;

    private final int frameSize;
    private final int limit;

    public FrameTooLargeForDeviceException(DeviceId deviceId, String request, int frameSize, int limit) {
        super(deviceId, request + " would be a frame of " + frameSize + " bytes, more than the " + limit
                        + " the device accepts (maxOutboundFrameSize)");
        this.frameSize = frameSize;
        this.limit = limit;
    }

    /** The size of the frame that was not sent, in bytes. */
    public int frameSize() {
        return frameSize;
    }

    /** The limit it exceeded. */
    public int limit() {
        return limit;
    }
}
