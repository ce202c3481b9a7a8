package io.cameliotmp.protocol.session;

import java.nio.charset.StandardCharsets;

/**
 * Finds the version a firmware image carries, the way Thinger's tooling does (docs/ota.md, "Versions"): the text after
 * {@code @(#)} in the first run of at least four printable ASCII characters (0x20–0x7E) that contains it. Fed the
 * image in pieces, so an image never has to be held whole; both ends use it: the server to know which version to
 * expect, the Java device client to know which version it runs after a reboot.
 */
public final class FirmwareVersionMarker {

    /** The marker in front of the version (the SCCS "what" string firmware builds embed). */
    public static final String MARKER = "@(#)";
    /** Longest version kept; longer text after the marker is cut. */
    public static final int MAX_VERSION_LENGTH = 128;
    /** Longest printable run inspected; the marker must start within it. */
    private static final int MAX_RUN = 1024;

    private final StringBuilder run = new StringBuilder();
    private String version;

    /** Inspects the next {@code length} bytes of the image. */
    public void update(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length && version == null; i++) {
            int b = bytes[i] & 0xFF;
            if (b >= 0x20 && b <= 0x7E) {
                if (run.length() < MAX_RUN) {
                    run.append((char) b);
                }
            } else {
                endRun();
            }
        }
    }

    /** Call after the last byte: a run that reaches the end of the image counts too. Returns {@link #version()}. */
    public String finish() {
        endRun();
        return version;
    }

    /** The version found so far, or null. */
    public String version() {
        return version;
    }

    /** The version in a whole image held in memory, or null. */
    public static String of(byte[] image) {
        FirmwareVersionMarker marker = new FirmwareVersionMarker();
        marker.update(image, 0, image.length);
        return marker.finish();
    }

    /** The bytes of a version marker, for tests and simulations that build images. */
    public static byte[] bytesOf(String version) {
        return (MARKER + version).getBytes(StandardCharsets.US_ASCII);
    }

    private void endRun() {
        if (version == null && run.length() >= 4) {
            int at = run.indexOf(MARKER);
            if (at >= 0) {
                String text = run.substring(at + MARKER.length());
                version = text.length() > MAX_VERSION_LENGTH ? text.substring(0, MAX_VERSION_LENGTH) : text;
            }
        }
        run.setLength(0);
    }
}
