package io.cameliotmp.server;

import java.net.SocketAddress;
import java.util.function.Supplier;

/**
 * Checks of a CONNECT that come before any lookup: identifiers no longer than configured, so nothing of attacker
 * size is stored, logged or handed to an authenticator; a user and a device id that are not empty and have no slash
 * or control character, and a keep-alive in range. A CONNECT refused here counts as a failed authentication of its
 * device and address, like a wrong credential, and is no event of {@code iotmp:events}.
 * <p>
 * A slash would make {@code user/device} ambiguous: it is how devices are named in URIs, headers, logs and the
 * cluster's directory, so user {@code a} with device {@code b/c} and user {@code a/b} with device {@code c} would be
 * one name. An empty name cannot be written as a {@code user/device} that reads back (a device {@code alice/}
 * accepted by a wildcard credential {@code alice/*} could be reached by no URI, API path or directory key). A
 * control character would let an unauthenticated peer write lines of its own into any log that records
 * refused logins (the refusal event's user and device are the peer's); an invisible format character would let it
 * pass for another device wherever names are shown, and {@code .} or {@code ..} cannot be a segment of a URL's
 * path. Thinger's own names are
 * {@code [a-zA-Z0-9_-]}; everything else the server still takes as it comes.
 */
final class ConnectValidation {

    private final ConnectionGuard guard;
    private final Supplier<ServerMetrics> metrics;
    private final int maxIdentifierLength;
    private final int maxCredentialLength;

    ConnectValidation(IotmpServerConfig config, ConnectionGuard guard, Supplier<ServerMetrics> metrics) {
        this.guard = guard;
        this.metrics = metrics;
        this.maxIdentifierLength = config.limits().maxIdentifierLength();
        this.maxCredentialLength = config.limits().maxCredentialLength();
    }

    /** Why the identifiers are refused (the failure then counted), or null when they are acceptable. */
    String check(SocketAddress remote, String user, String device, String credential) {
        String tooLong = tooLong(user, device, credential);
        String invalid = tooLong == null ? invalid(user, device) : null;
        if (tooLong == null && invalid == null) {
            return null;
        }
        guard.authenticationFailed(remote, user, device);
        metrics.get().refused(tooLong != null ? Refusal.IDENTIFIER_TOO_LONG : Refusal.IDENTIFIER_INVALID);
        return tooLong != null ? tooLong : invalid;
    }

    private String tooLong(String user, String device, String credential) {
        if (user.length() > maxIdentifierLength) {
            return "user name of " + user.length() + " characters, more than " + maxIdentifierLength;
        }
        if (device.length() > maxIdentifierLength) {
            return "device id of " + device.length() + " characters, more than " + maxIdentifierLength;
        }
        if (credential.length() > maxCredentialLength) {
            return "credential of " + credential.length() + " characters, more than " + maxCredentialLength;
        }
        return null;
    }

    private static String invalid(String user, String device) {
        if (user.isEmpty()) {
            return "empty user name";
        }
        if (device.isEmpty()) {
            return "empty device id";
        }
        if (!acceptableName(user)) {
            return "user name with a slash or a control character";
        }
        if (!acceptableName(device)) {
            return "device id with a slash or a control character";
        }
        if (hasFormatCharacter(user) || hasFormatCharacter(device)) {
            return "user name or device id with an invisible format character (a bidi control, a zero-width one)";
        }
        if (hasNoncharacter(user) || hasNoncharacter(device)) {
            return "user name or device id with a Unicode noncharacter (U+FFFE, U+FFFF, U+FDD0..U+FDEF and alike)";
        }
        if (isDotSegment(user) || isDotSegment(device)) {
            return "user name or device id '.' or '..'";
        }
        return null;
    }

    /**
     * Unicode's format characters (category Cf: the bidirectional embeddings, overrides and isolates, zero-width
     * characters, the byte order mark) are invisible: a device named U+202E {@code 1-ved} reads as {@code dev-1} in
     * every list, log and console, and the device API's names cannot hold it.
     */
    private static boolean hasFormatCharacter(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (Character.getType(name.charAt(i)) == Character.FORMAT) {
                return true;
            }
        }
        return false;
    }

    /**
     * Unicode's 66 noncharacters (U+FDD0..U+FDEF and the last two code points of every plane) are for a program's
     * own use, not for interchange: MQTT brokers (Mosquitto, Paho) drop the whole connection that carries one in a
     * topic, so one such device id would knock a bridge's shared connection off its broker with every sample.
     */
    private static boolean hasNoncharacter(String name) {
        for (int i = 0; i < name.length();) {
            int codePoint = name.codePointAt(i);
            if ((codePoint >= 0xFDD0 && codePoint <= 0xFDEF) || (codePoint & 0xFFFE) == 0xFFFE) {
                return true;
            }
            i += Character.charCount(codePoint);
        }
        return false;
    }

    /** A URL's path drops {@code .} and {@code ..}: an API path or console link to such a device names another. */
    private static boolean isDotSegment(String name) {
        return ".".equals(name) || "..".equals(name);
    }

    /** A CONNECT is refused for its keep-alive: counted as a failed authentication. */
    void badKeepAlive(SocketAddress remote, String user, String device) {
        guard.authenticationFailed(remote, user, device);
        metrics.get().refused(Refusal.BAD_KEEP_ALIVE);
    }

    /** No slash and no control character, the line and paragraph separators of Unicode included. */
    static boolean acceptableName(String name) {
        return name.indexOf('/') < 0 && !DeviceNames.hasControlCharacter(name);
    }
}
