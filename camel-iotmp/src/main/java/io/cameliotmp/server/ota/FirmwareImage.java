package io.cameliotmp.server.ota;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

import io.cameliotmp.protocol.session.FirmwareVersionMarker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A firmware image with what {@code $ota/begin} needs up front: its size, its MD5 and the version it carries. The
 * image is never held whole in memory unless it was given as bytes: a stream is spooled to a temporary file while it
 * is hashed, a file is read where it lies, and a compressed form ({@link #payload}) is written to a temporary file
 * too. {@link #close()} deletes what this image created.
 */
public final class FirmwareImage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FirmwareImage.class);

    /** The largest image: devices take {@code size} as an unsigned 32-bit number. */
    public static final long MAX_SIZE = 0xFFFF_FFFFL;
    private static final int BUFFER = 8192;

    private final byte[] bytes;
    private final Path file;
    private final boolean spooled;
    private final long size;
    private final String md5;
    private final String version;

    private FirmwareImage(byte[] bytes, Path file, boolean spooled, long size, String md5, String version) {
        this.bytes = bytes;
        this.file = file;
        this.spooled = spooled;
        this.size = size;
        this.md5 = md5;
        this.version = version;
    }

    /** An image held in memory (not copied: do not change the array while the update runs). */
    public static FirmwareImage of(byte[] image) {
        Objects.requireNonNull(image, "image");
        try (InputStream in = new ByteArrayInputStream(image)) {
            Digest digest = Digest.of(in, OutputStream.nullOutputStream());
            return new FirmwareImage(image, null, false, digest.size, digest.md5, digest.version);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An image in a file, read once now to hash it and once more while it is sent. */
    public static FirmwareImage of(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Digest digest = Digest.of(in, OutputStream.nullOutputStream());
            return new FirmwareImage(null, file, false, digest.size, digest.md5, digest.version);
        }
    }

    /** An image from a stream, spooled to a temporary file (deleted by {@link #close()}); the stream is not closed. */
    public static FirmwareImage spool(InputStream image) throws IOException {
        Path file = Files.createTempFile("iotmp-firmware-", ".bin");
        try (OutputStream out = Files.newOutputStream(file)) {
            Digest digest = Digest.of(image, out);
            return new FirmwareImage(null, file, true, digest.size, digest.md5, digest.version);
        } catch (IOException | RuntimeException e) {
            deleteTemporary(file);
            throw e;
        }
    }

    /** The size of the image in bytes. */
    public long size() {
        return size;
    }

    /** The MD5 of the image, 32 lowercase hex characters. */
    public String md5() {
        return md5;
    }

    /** The version the image carries after {@code @(#)}, or null (see {@link FirmwareVersionMarker}). */
    public String embeddedVersion() {
        return version;
    }

    /** Reads the image from its start. */
    public InputStream open() throws IOException {
        return bytes != null ? new ByteArrayInputStream(bytes) : Files.newInputStream(file);
    }

    /**
     * The bytes to send with {@code compression}: the image itself for {@link OtaCompression#NONE}, otherwise a
     * compressed copy in a temporary file, deleted when the payload is closed.
     */
    public Payload payload(OtaCompression compression) throws IOException {
        if (compression == OtaCompression.NONE) {
            return new Payload(this::open, size, md5, null);
        }
        Path compressed = Files.createTempFile("iotmp-firmware-", "." + compression.label());
        try (InputStream in = open();
             DigestOutputStream hashed = new DigestOutputStream(Files.newOutputStream(compressed), newMd5());
             OutputStream out = compression.compressing(hashed)) {
            in.transferTo(out);
            out.close();
            return new Payload(() -> Files.newInputStream(compressed), Files.size(compressed),
                    hex(hashed.getMessageDigest()), compressed);
        } catch (IOException | RuntimeException e) {
            deleteTemporary(compressed);
            throw e;
        }
    }

    /** Deletes a spooled copy; never throws ({@link #deleteTemporary}). */
    @Override
    public void close() {
        if (spooled) {
            deleteTemporary(file);
        }
    }

    /**
     * Deletes a temporary file of an image, logging a failure rather than throwing it: the update's outcome is the
     * device's, and a copy left on the disk must not turn an update that ended into a failed one. A compressed copy
     * is closed before {@code end} is sent, and its failure to delete used to fail the update as an unreadable image
     * after every byte had been written, leaving the device in an update nobody ended.
     */
    private static void deleteTemporary(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not delete the temporary firmware file {}: {}; it is left on the disk", file, e.toString());
        }
    }

    /** What goes over the wire: its size and MD5, and how to read it. Closing deletes a temporary copy. */
    public static final class Payload implements AutoCloseable {
        private final Source source;
        private final long size;
        private final String md5;
        private final Path temporary;

        Payload(Source source, long size, String md5, Path temporary) {
            this.source = source;
            this.size = size;
            this.md5 = md5;
            this.temporary = temporary;
        }

        public long size() {
            return size;
        }

        public String md5() {
            return md5;
        }

        public InputStream open() throws IOException {
            return source.open();
        }

        /** Deletes a temporary copy; never throws ({@link #deleteTemporary}). */
        @Override
        public void close() {
            if (temporary != null) {
                deleteTemporary(temporary);
            }
        }
    }

    @FunctionalInterface
    interface Source {
        InputStream open() throws IOException;
    }

    /** One pass over an image: copy, MD5, size and version marker. */
    private record Digest(long size, String md5, String version) {
        static Digest of(InputStream image, OutputStream copy) throws IOException {
            MessageDigest md5 = newMd5();
            FirmwareVersionMarker marker = new FirmwareVersionMarker();
            long size = 0;
            byte[] buffer = new byte[BUFFER];
            try (DigestInputStream in = new DigestInputStream(image, md5) {
                @Override
                public void close() {
                    // the caller owns the stream
                }
            }) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    size += n;
                    if (size > MAX_SIZE) {
                        throw new IOException("firmware image larger than " + MAX_SIZE + " bytes");
                    }
                    marker.update(buffer, 0, n);
                    copy.write(buffer, 0, n);
                }
            }
            return new Digest(size, hex(md5), marker.finish());
        }
    }

    static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }

    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }
}
