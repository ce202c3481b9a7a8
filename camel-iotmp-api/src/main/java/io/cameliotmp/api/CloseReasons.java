package io.cameliotmp.api;

import org.springframework.web.socket.CloseStatus;

/**
 * The reason of a WebSocket close, cut to the 123 bytes of UTF-8 a close frame has room for (RFC 6455, 5.5: 125
 * bytes of payload, two of them the code) at a character's boundary: a reason quoting a device's or a client's text
 * may hold characters of several bytes each, and a count of characters bounds nothing.
 */
final class CloseReasons {

    /** The bytes of UTF-8 a close frame's reason may have. */
    static final int MAX_REASON_BYTES = 123;

    private CloseReasons() {
    }

    /** {@code status} with {@code reason}, cut to {@link #MAX_REASON_BYTES}; without a reason if it is null. */
    static CloseStatus withReason(CloseStatus status, String reason) {
        return reason == null ? status : status.withReason(cut(reason));
    }

    static String cut(String reason) {
        int bytes = 0;
        int end = 0;
        while (end < reason.length()) {
            int codePoint = reason.codePointAt(end);
            int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (bytes + size > MAX_REASON_BYTES) {
                break;
            }
            bytes += size;
            end += Character.charCount(codePoint);
        }
        return reason.substring(0, end);
    }
}
