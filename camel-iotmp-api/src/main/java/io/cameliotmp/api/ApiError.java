package io.cameliotmp.api;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cameliotmp.server.DeviceDisconnectedException;
import io.cameliotmp.server.DeviceErrorException;
import io.cameliotmp.server.DeviceNotConnectedException;
import io.cameliotmp.server.DeviceRequestTimeoutException;
import io.cameliotmp.server.FrameTooLargeForDeviceException;
import io.cameliotmp.server.MalformedAnswerException;
import io.cameliotmp.server.NotSupportedByDeviceException;
import io.cameliotmp.server.TooManyPendingRequestsException;

/**
 * What the device API answers when a call fails: an HTTP status and a message, sent as
 * {@code {"status": 404, "error": "Not Found", "message": "…"}}, with the device's own {@code "payload"} when it
 * answered ERROR with more than a message (a command's output and exit code, say). The shape is Spring Boot's own
 * error answers', so a client sees one shape whichever layer failed. Free of Spring, so the routes run on Camel Main
 * as well.
 */
public record ApiError(int status, String message, Object payload) {

    /** An error without a device payload. */
    public ApiError(int status, String message) {
        this(status, message, null);
    }

    /** Bad Gateway: the device answered, but not with anything HTTP can pass on as it is. */
    static final int DEVICE_FAILED = 502;

    /** The message of every 500: what failed inside is for the log. */
    static final String INTERNAL_ERROR = "the server failed to answer; its log has the details";

    /**
     * Maps the failure of a device call (or of the request itself) to its HTTP answer:
     * <ul>
     * <li>device not connected: 404;</li>
     * <li>device answered ERROR: its status when it sent a 4xx or 5xx one, else 502; the device's own text when it sent
     * any;</li>
     * <li>no answer within the request timeout: 504; the connection ended while waiting: 502; the device has too many
     * requests open: 503;</li>
     * <li>a request whose frame the device would not accept ({@code maxOutboundFrameSize}): 413;</li>
     * <li>a malformed request ({@link InvalidRequestException}, a body that is not JSON): 400;</li>
     * <li>an upload's body that arrived too slowly ({@link UploadRate}) or stalled: 408;</li>
     * <li>anything else: 500, with a message that says nothing of the server's internals.</li>
     * </ul>
     */
    public static ApiError of(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UploadRate.TooSlowException) {
                return new ApiError(408, cause.getMessage());
            }
            // the request body ended early (an upload the client gave up): the client's doing, not a bug of ours
            if (cause instanceof java.io.IOException && AsyncPlatformHttpConsumer.isClientGone(cause)) {
                return new ApiError(400, "the request ended before its body did: the client left");
            }
            if (cause instanceof java.net.SocketTimeoutException) {
                return new ApiError(408, "the request body did not arrive in time");
            }
            if (cause instanceof DeviceNotConnectedException) {
                return new ApiError(404, cause.getMessage());
            }
            if (cause instanceof DeviceErrorException error) {
                int status = error.status() >= 400 && error.status() <= 599 ? error.status() : DEVICE_FAILED;
                return new ApiError(status, error.deviceMessage() != null ? error.deviceMessage() : error.getMessage(),
                        moreThanAMessage(error.payload()) ? error.payload() : null);
            }
            if (cause instanceof MalformedAnswerException) {
                // the device answered, with bytes the server could not read (too large, not PSON)
                return new ApiError(DEVICE_FAILED, cause.getMessage());
            }
            if (cause instanceof DeviceRequestTimeoutException) {
                return new ApiError(504, cause.getMessage());
            }
            if (cause instanceof DeviceDisconnectedException) {
                return new ApiError(DEVICE_FAILED, cause.getMessage());
            }
            if (cause instanceof TooManyPendingRequestsException) {
                return new ApiError(503, cause.getMessage());
            }
            if (cause instanceof FrameTooLargeForDeviceException) {
                // the request is too large for the device, not for the API: nothing was sent
                return new ApiError(413, cause.getMessage());
            }
            if (cause instanceof NotSupportedByDeviceException) {
                // the device's protocol cannot carry the request (a legacy device, say): nothing was sent
                return new ApiError(501, cause.getMessage());
            }
            if (cause instanceof FirmwareUploads.PayloadTooLargeException) {
                return new ApiError(413, cause.getMessage());
            }
            if (cause instanceof FirmwareUploads.TooManyUpdatesException) {
                return new ApiError(503, cause.getMessage());
            }
            if (cause instanceof FileUploads.TooManyUploadsException) {
                return new ApiError(503, cause.getMessage());
            }
            if (cause instanceof FileUploads.LengthRequiredException) {
                return new ApiError(411, cause.getMessage());
            }
            if (cause instanceof FileUploads.UploadFailedException) {
                return new ApiError(DEVICE_FAILED, cause.getMessage());
            }
            if (cause instanceof FirmwareUploads.NoSuchReportException) {
                return new ApiError(404, cause.getMessage());
            }
            if (cause instanceof MethodNotAllowedException) {
                return new ApiError(405, cause.getMessage());
            }
            if (cause instanceof UnsupportedMediaTypeException) {
                return new ApiError(415, cause.getMessage());
            }
            if (cause instanceof InvalidRequestException) {
                return new ApiError(400, cause.getMessage());
            }
            if (cause instanceof JsonProcessingException json) {
                return new ApiError(400, JsonBodies.notJson(json));
            }
        }
        // the server's own failure: its details (class names, internals) go to the log, not to the client
        return new ApiError(500, INTERNAL_ERROR);
    }

    /** Whether a device's ERROR payload says more than {@code {"error": text}} or a bare text. */
    private static boolean moreThanAMessage(Object payload) {
        if (payload == null || payload instanceof String) {
            return false;
        }
        if (payload instanceof Map<?, ?> map) {
            return map.size() > 1 || !(map.containsKey("error") || map.containsKey("message"));
        }
        return true;
    }

    /** Whether this is the server's own fault (a 500), which alone is worth a stack trace in the log. */
    public boolean isServerFault() {
        return status == 500 && INTERNAL_ERROR.equals(message) && payload == null;
    }

    /** The reason phrase of an HTTP status, as Spring names it, {@code Error} for one without. */
    static String reasonPhrase(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 411 -> "Length Required";
            case 413 -> "Payload Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Entity";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Error";
        };
    }

    /** The JSON body, as a map for Jackson. */
    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", reasonPhrase(status));
        body.put("message", message);
        if (payload != null) {
            body.put("payload", payload);
        }
        return body;
    }
}
