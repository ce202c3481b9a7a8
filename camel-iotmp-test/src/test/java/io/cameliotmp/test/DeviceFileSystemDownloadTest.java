package io.cameliotmp.test;

import java.io.ByteArrayInputStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A download of the test kit's file system sends its file whole, then takes the acknowledgements of its last chunks
 * without reading the closed file again: each such read failed and the device logged a warning per acknowledgement.
 */
class DeviceFileSystemDownloadTest {

    @Test
    void acknowledgementsAfterTheLastChunkFindNothingMoreToSend() {
        byte[] file = new byte[DeviceFileSystem.CHUNK_SIZE + 10];
        DeviceFileSystem.Download download = new DeviceFileSystem.Download(new ByteArrayInputStream(file) {
            private boolean closed;

            @Override
            public synchronized int read(byte[] b, int off, int len) {
                assertThat(closed).as("read after close").isFalse();
                return super.read(b, off, len);
            }

            @Override
            public void close() {
                closed = true;
            }
        }, 1024 * 1024);

        assertThat(download.next()).hasSize(DeviceFileSystem.CHUNK_SIZE);
        assertThat(download.next()).hasSize(10);
        assertThat(download.next()).isNull();
        // the device's acknowledgements of both chunks each ask for more
        download.inFlight = 0;
        assertThat(download.nextInWindow()).isNull();
        assertThat(download.nextInWindow()).isNull();
    }
}
