package io.cameliotmp.server;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.session.Answers;
import io.netty.util.Timeout;

/**
 * Fetches a file from a device through IOTMP-Linux's file-system extension: {@code $fs/info} gives the size, then a
 * {@code $fs/download/:session} stream carries the content in byte chunks. Each chunk is acknowledged with
 * {@code {"ack": n, "bytes": m}}, which is what lets the device send more (it keeps only a few chunks in flight),
 * and the server stops the stream once it holds every byte — the device waits for that rather than stopping itself.
 */
final class FileDownload implements StreamListener {

    /** The chunk size IOTMP-Linux uses unless told otherwise. */
    static final int DEFAULT_CHUNK_SIZE = IotmpServerConfig.DEFAULT_DOWNLOAD_CHUNK_SIZE;
    /** Room reserved for the content before it arrives. */
    private static final int INITIAL_BUFFER = 1024 * 1024;

    private final IotmpServer server;
    private final DeviceId device;
    private final String path;
    private final int chunkSize;
    private final long maxSize;
    private final Duration idleTimeout;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private ByteArrayOutputStream content;
    private long size;
    private long acks;
    private volatile int streamId;
    private volatile Timeout idle;

    private FileDownload(IotmpServer server, DeviceId device, String path, int chunkSize, long maxSize,
                         Duration idleTimeout) {
        this.server = server;
        this.device = device;
        this.path = path;
        this.chunkSize = chunkSize;
        this.maxSize = maxSize;
        this.idleTimeout = idleTimeout;
    }

    static CompletableFuture<byte[]> start(IotmpServer server, DeviceId device, String path, int chunkSize,
                                           long maxSize, Duration idleTimeout) {
        FileDownload download = new FileDownload(server, device, path, chunkSize, maxSize, idleTimeout);
        download.begin();
        return download.result;
    }

    private void begin() {
        String relative = path.startsWith("/") ? path.substring(1) : path;
        server.send(device, DeviceRequest.run("$fs/info/" + relative, null), idleTimeout)
                .thenCompose(info -> {
                    size = sizeOf(info.payload());
                    if (size > maxSize) {
                        QuotaExceededException tooLarge = new QuotaExceededException(
                                QuotaExceededException.Quota.DOWNLOAD_SIZE, path + " is " + size
                                + " bytes, more than the " + maxSize + " a download accepts (maxDownloadSize)");
                        server.quotaExceeded(tooLarge, device);
                        throw tooLarge;
                    }
                    // the size is the device's word: room grows with the bytes that really arrive
                    content = new ByteArrayOutputStream((int) Math.min(size, INITIAL_BUFFER));
                    Map<String, Object> params = new LinkedHashMap<>();
                    params.put("path", path);
                    params.put("chunk_size", chunkSize);
                    String session = UUID.randomUUID().toString().replace("-", "");
                    return server.send(device, new DeviceRequest.StartStream("$fs/download/" + session, 0, params,
                            this), idleTimeout);
                })
                .whenComplete((started, failure) -> {
                    if (failure != null) {
                        result.completeExceptionally(Answers.unwrap(failure));
                        return;
                    }
                    streamId = started.streamId();
                    synchronized (this) {
                        finishIfComplete();
                    }
                    armIdleTimer();
                });
    }

    private long sizeOf(Object info) {
        if (info instanceof Map<?, ?> map && map.get("size") instanceof Number n && n.longValue() >= 0) {
            return n.longValue();
        }
        throw new IotmpRequestException(device, "$fs/info of " + path + " did not give a size: " + info);
    }

    @Override
    public CompletionStage<Void> onSample(StreamSample sample) {
        if (!(sample.payload() instanceof byte[] chunk)) {
            fail(new IotmpRequestException(device, "download of " + path + " sent a non-binary chunk"));
            return CompletableFuture.completedFuture(null);
        }
        synchronized (this) {
            if (result.isDone()) {
                return CompletableFuture.completedFuture(null);
            }
            if (content.size() + (long) chunk.length > size) {
                fail(new IotmpRequestException(device, "download of " + path + " exceeds its size of " + size));
                return CompletableFuture.completedFuture(null);
            }
            content.write(chunk, 0, chunk.length);
            acks++;
            server.send(sample.registration(), DeviceRequest.streamData(sample.streamId(),
                    Map.of("ack", acks, "bytes", chunk.length)), null);
            finishIfComplete();
        }
        armIdleTimer();
        return CompletableFuture.completedFuture(null);
    }

    /** Called with the lock held; the stream id is known once the device's OK has been processed. */
    private void finishIfComplete() {
        if (streamId != 0 && content != null && content.size() == size && !result.isDone()) {
            cancelIdleTimer();
            // completed before the stop, which ends the stream and would otherwise read as an early end
            result.complete(content.toByteArray());
            server.send(device, DeviceRequest.stopStream(streamId), idleTimeout);
        }
    }

    @Override
    public void onStreamEnded(DeviceRegistration registration, String resource, int id, String reason) {
        synchronized (this) {
            if (!result.isDone()) {
                fail(new IotmpRequestException(device, "download of " + path + " ended after " + content.size()
                                                       + " of " + size + " bytes: " + reason));
            }
        }
    }

    /** The connection ended mid-download: the caller gets the disconnect, as a call does. */
    @Override
    public void onStreamLost(DeviceRegistration registration, String resource, int id, String reason) {
        synchronized (this) {
            if (!result.isDone()) {
                fail(new DeviceDisconnectedException(device, reason + " (download of " + path + " after "
                                                             + (content == null ? 0 : content.size()) + " of " + size
                                                             + " bytes)"));
            }
        }
    }

    /** The device refused the download's stream after all (its OK or ERROR came after the start). */
    @Override
    public void onStreamFailed(DeviceRegistration registration, String resource, Throwable cause) {
        synchronized (this) {
            if (!result.isDone()) {
                fail(cause);
            }
        }
    }

    private void armIdleTimer() {
        cancelIdleTimer();
        if (!result.isDone()) {
            idle = server.timer().newTimeout(t -> {
                synchronized (this) {
                    if (!result.isDone()) {
                        if (streamId != 0) {
                            server.send(device, DeviceRequest.stopStream(streamId), idleTimeout);
                        }
                        fail(new DeviceRequestTimeoutException(device, "download of " + path, idleTimeout));
                    }
                }
            }, idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void cancelIdleTimer() {
        Timeout t = idle;
        if (t != null) {
            t.cancel();
        }
    }

    private void fail(Throwable cause) {
        cancelIdleTimer();
        result.completeExceptionally(cause);
    }

}
