package io.cameliotmp.device;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;

/**
 * Where a device built with {@link IotmpDeviceBuilder#ota} writes the firmware images the server sends it: the flash
 * partition of a real board, a file or nothing at all in a simulation. One update at a time: {@link #open}, then
 * either {@link #commit} (the image is complete and verified) or {@link #discard} (the update failed).
 */
public interface OtaTarget {

    /** Starts a new image of {@code size} bytes (uncompressed); the device writes the image into the stream. */
    OutputStream open(long size) throws IOException;

    /** The image was written whole, the stream is closed and every checksum matched: keep it. */
    default void commit() throws IOException {
    }

    /** The update failed or was abandoned; the stream is closed: forget what was written. */
    default void discard() {
    }

    /** Writes images to {@code file}: to a temporary file beside it first, moved into place on commit. */
    static OtaTarget toFile(Path file) {
        Objects.requireNonNull(file, "file");
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        return new OtaTarget() {
            @Override
            public OutputStream open(long size) throws IOException {
                return Files.newOutputStream(partial);
            }

            @Override
            public void commit() throws IOException {
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
            }

            @Override
            public void discard() {
                try {
                    Files.deleteIfExists(partial);
                } catch (IOException e) {
                    // nothing more to do: the next update overwrites it
                }
            }
        };
    }

    /** Drops the image (the device still checks sizes and checksums): for simulations of many devices. */
    static OtaTarget discarding() {
        return size -> OutputStream.nullOutputStream();
    }
}
