package io.cameliotmp.server.ota;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import io.cameliotmp.protocol.session.Lzss;

/**
 * How an image is compressed on its way to the device, named as devices name it in {@code $ota/options}
 * ({@code compression}) and as the server repeats it in {@code $ota/begin}.
 */
public enum OtaCompression {
    /** The image as it is; no {@code compression} field in {@code begin}. */
    NONE(""),
    /** A zlib stream (RFC 1950: header, deflate, Adler-32), what ESP32 boards inflate. */
    ZLIB("zlib"),
    /** A gzip stream (RFC 1952), what ESP8266 boards built with {@code ATOMIC_FS_UPDATE} take. */
    GZIP("gzip"),
    /** The LZSS of Portenta and Opta boards ({@link Lzss}). */
    LZSS("lzss");

    private final String label;

    OtaCompression(String label) {
        this.label = label;
    }

    /** The name on the wire; empty for {@link #NONE}. */
    public String label() {
        return label;
    }

    /** The compression matching a device's {@code compression} option exactly, or {@link #NONE}. */
    public static OtaCompression offeredBy(String deviceOption) {
        for (OtaCompression c : values()) {
            if (c != NONE && c.label.equals(deviceOption)) {
                return c;
            }
        }
        return NONE;
    }

    /** Wraps {@code out} in this compression's encoder; closing the result finishes the stream. */
    public OutputStream compressing(OutputStream out) throws IOException {
        return switch (this) {
            case NONE -> out;
            case ZLIB -> zlib(out, new Deflater(Deflater.BEST_COMPRESSION));
            case GZIP -> new GZIPOutputStream(out, 8192);
            case LZSS -> Lzss.encoder(out);
        };
    }

    /**
     * A zlib encoder on {@code deflater} that ends it when closed, whether or not finishing the stream succeeds.
     * {@link DeflaterOutputStream} only ends the deflaters it made itself, and its own one has the default level:
     * left to the stream, the native zlib memory of the best-compression deflater would wait for the garbage
     * collector's cleaner, once per compressed image.
     */
    static OutputStream zlib(OutputStream out, Deflater deflater) {
        return new DeflaterOutputStream(out, deflater, 8192) {
            private boolean ended;

            @Override
            public void close() throws IOException {
                // a second close (try-with-resources after a failed one) must not finish on the ended deflater
                if (ended) {
                    return;
                }
                ended = true;
                try {
                    super.close();
                } finally {
                    def.end();
                }
            }
        };
    }
}
