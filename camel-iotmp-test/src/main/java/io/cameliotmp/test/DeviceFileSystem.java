package io.cameliotmp.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpErrorException;
import io.cameliotmp.device.ResourceKind;
import io.cameliotmp.device.ResourceRequest;

/**
 * The file-system extension of the reference IOTMP-Linux client ({@code $fs/...}) on a Java test device, over a real
 * directory: what an API or console in front of such a device can be tested against without the C++ client.
 * <ul>
 * <li>{@code $fs/get/*path}: a directory's entries ({@code name, type, size, mode, modified}), or a file of at most
 * 64 KiB as bytes (413 beyond);</li>
 * <li>{@code $fs/info/*path}: {@code name, path, type, size, mode, modified};</li>
 * <li>{@code $fs/put/*path}: writes the input bytes (a trailing {@code /} makes a directory);
 * {@code $fs/delete/*path}; {@code $fs/move/*source} (input {@code {"path": destination}});
 * {@code $fs/hash/*path}: the SHA-256;</li>
 * <li>{@code $fs/download/:session} (parameter {@code path}): the file in 64 KiB chunks, at most a window of
 * bytes ({@code window_size}, 2 MiB by default) unacknowledged; acknowledgements are {@code {"ack", "bytes"}};</li>
 * <li>{@code $fs/upload/:session} (parameters {@code path}, {@code size}, which the reference requires):
 * acknowledges {@code {"ack", "bytes"}} every ~1% of {@code size} (a chunk at least, 1 MiB at most) and once the
 * last byte is written, as the reference does; the server then stops the stream.</li>
 * </ul>
 * Paths are relative to the root given (a leading {@code /} is the root); a path with a {@code ..} segment is
 * refused (403), as the reference refuses paths with {@code ..}.
 */
public final class DeviceFileSystem {

    /** The reference's chunk size of streamed transfers and its largest inline file. */
    public static final int CHUNK_SIZE = 64 * 1024;
    private static final long DEFAULT_WINDOW = 2L * 1024 * 1024;
    private static final long MAX_ACK_THRESHOLD = 1024 * 1024;

    private final Path root;
    private final Map<Integer, Download> downloads = new ConcurrentHashMap<>();
    private final Map<Integer, Upload> uploads = new ConcurrentHashMap<>();

    private DeviceFileSystem(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** Declares the {@code $fs} resources on {@code device} (before it starts), over the directory {@code root}. */
    public static IotmpDevice install(IotmpDevice device, Path root) {
        DeviceFileSystem fs = new DeviceFileSystem(root);
        return device
                .resource("$fs/get/*path").handler(ResourceKind.INPUT_OUTPUT, fs::get)
                .resource("$fs/info/*path").handler(ResourceKind.OUTPUT, r -> fs.info(fs.resolve(r.pathParam("path"))))
                .resource("$fs/put/*path").handler(ResourceKind.INPUT_OUTPUT, fs::put)
                .resource("$fs/delete/*path").handler(ResourceKind.OUTPUT, fs::delete)
                .resource("$fs/move/*source").handler(ResourceKind.INPUT_OUTPUT, fs::move)
                .resource("$fs/hash/*path").handler(ResourceKind.OUTPUT, fs::hash)
                .resource("$fs/download/:session").handler(ResourceKind.INPUT_OUTPUT, fs::download)
                .resource("$fs/upload/:session").handler(ResourceKind.INPUT_OUTPUT, fs::upload);
    }

    private Object get(ResourceRequest request) throws IOException {
        Path path = resolve(request.pathParam("path"));
        if (Files.isDirectory(path)) {
            List<Map<String, Object>> entries = new ArrayList<>();
            try (DirectoryStream<Path> children = Files.newDirectoryStream(path)) {
                for (Path child : children) {
                    if (!child.getFileName().toString().startsWith(".")) {
                        entries.add(entry(child));
                    }
                }
            }
            return entries;
        }
        if (!Files.isRegularFile(path)) {
            throw new IotmpErrorException(404, Map.of("error", "Path does not exist"));
        }
        if (Files.size(path) > CHUNK_SIZE) {
            throw new IotmpErrorException(413, Map.of("error", "File too large for inline transfer",
                    "size", Files.size(path), "max_size", CHUNK_SIZE));
        }
        return Files.readAllBytes(path);
    }

    private Map<String, Object> info(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new IotmpErrorException(404, Map.of("error", "Path does not exist"));
        }
        Map<String, Object> info = entry(path);
        info.put("path", path.toString());
        return info;
    }

    private Object put(ResourceRequest request) throws IOException {
        String raw = request.pathParam("path");
        Path path = resolve(raw);
        if (raw.endsWith("/")) {
            Files.createDirectories(path);
            return Map.of("success", true, "path", path.toString(), "type", "directory");
        }
        byte[] data = request.input() instanceof byte[] bytes ? bytes : new byte[0];
        Files.createDirectories(path.getParent());
        Files.write(path, data);
        return Map.of("success", true, "path", path.toString(), "type", "file", "size", data.length);
    }

    private Object delete(ResourceRequest request) throws IOException {
        Path path = resolve(request.pathParam("path"));
        if (path.equals(root)) {
            throw new IotmpErrorException(403, Map.of("error", "Cannot delete base or parent directory"));
        }
        try {
            Files.delete(path);
        } catch (NoSuchFileException e) {
            throw new IotmpErrorException(404, Map.of("error", "Path does not exist"));
        }
        return Map.of("success", true, "deleted", path.toString());
    }

    private Object move(ResourceRequest request) throws IOException {
        Path source = resolve(request.pathParam("source"));
        if (!(request.input() instanceof Map<?, ?> input && input.get("path") instanceof String destination)) {
            throw new IotmpErrorException(400, Map.of("error", "Destination path is required"));
        }
        Path target = resolve(destination);
        try {
            Files.move(source, target);
        } catch (FileAlreadyExistsException e) {
            throw new IotmpErrorException(409, Map.of("error", "Destination already exists"));
        }
        return Map.of("success", true, "source", source.toString(), "destination", target.toString());
    }

    private Object hash(ResourceRequest request) throws IOException, NoSuchAlgorithmException {
        Path path = resolve(request.pathParam("path"));
        if (!Files.isRegularFile(path)) {
            throw new IotmpErrorException(400, Map.of("error", "path is not a regular file"));
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(path)) {
            byte[] buffer = new byte[CHUNK_SIZE];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                sha.update(buffer, 0, read);
            }
        }
        return Map.of("path", path.toString(), "algorithm", "sha256", "hash", HexFormat.of().formatHex(sha.digest()),
                "size", Files.size(path));
    }

    /** The start (describe mode: the first chunk) or an acknowledgement (input) of a download. */
    private Object download(ResourceRequest request) throws IOException {
        Map<?, ?> parameters = request.parameters() instanceof Map<?, ?> map ? map : Map.of();
        if (request.describeMode()) {
            Path path = resolve(String.valueOf(parameters.get("path")));
            if (!Files.isRegularFile(path)) {
                throw new IotmpErrorException(404, Map.of("error", "File not found"));
            }
            long window = parameters.get("window_size") instanceof Number n ? n.longValue() : DEFAULT_WINDOW;
            Download download = new Download(Files.newInputStream(path), window);
            downloads.put(request.streamId(), download);
            // the first chunk is the start's answer; each acknowledgement then refills the window
            return download.next();
        }
        Download download = downloads.get(request.streamId());
        if (download != null && request.input() instanceof Map<?, ?> ack && ack.get("bytes") instanceof Number n) {
            download.inFlight -= n.longValue();
            for (byte[] chunk = download.nextInWindow(); chunk != null; chunk = download.nextInWindow()) {
                request.device().stream(request.path(), chunk);
            }
        }
        return null;
    }

    /** The start (describe mode) or a chunk (input) of an upload. */
    private Object upload(ResourceRequest request) throws IOException {
        Map<?, ?> parameters = request.parameters() instanceof Map<?, ?> map ? map : Map.of();
        if (request.describeMode()) {
            if (!(parameters.get("size") instanceof Number size) || size.longValue() <= 0) {
                throw new IotmpErrorException(400, Map.of("error", "missing or invalid size parameter"));
            }
            Path path = resolve(String.valueOf(parameters.get("path")));
            Files.createDirectories(path.getParent());
            uploads.put(request.streamId(), new Upload(Files.newOutputStream(path, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), size.longValue()));
            return Map.of("chunk_size", CHUNK_SIZE);
        }
        Upload upload = uploads.get(request.streamId());
        if (upload == null || !(request.input() instanceof byte[] chunk)) {
            return null;
        }
        upload.out.write(chunk);
        upload.received += chunk.length;
        upload.sinceAck += chunk.length;
        boolean last = upload.received >= upload.expected;
        if (last) {
            upload.out.close();
            uploads.remove(request.streamId());
        }
        if (last || upload.sinceAck >= upload.threshold) {
            request.device().stream(request.path(), Map.of("ack", ++upload.acks, "bytes", upload.sinceAck));
            upload.sinceAck = 0;
        }
        return null;
    }

    /** {@code raw} under the root: a leading {@code /} is the root; {@code ..} is refused. */
    Path resolve(String raw) {
        String relative = raw == null ? "" : raw.replaceFirst("^/+", "");
        if (relative.contains("..")) {
            throw new IotmpErrorException(403, Map.of("error", "Access denied: path outside allowed directory"));
        }
        return relative.isEmpty() ? root : root.resolve(relative).normalize();
    }

    private static Map<String, Object> entry(Path path) throws IOException {
        Map<String, Object> entry = new LinkedHashMap<>();
        boolean directory = Files.isDirectory(path);
        entry.put("name", path.getFileName() == null ? "/" : path.getFileName().toString());
        entry.put("type", directory ? "directory" : Files.isRegularFile(path) ? "file" : "unknown");
        entry.put("size", directory ? 0 : Files.size(path));
        String mode;
        try {
            mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        } catch (UnsupportedOperationException e) {
            mode = "";
        }
        entry.put("mode", mode);
        entry.put("modified", Files.getLastModifiedTime(path).toMillis() / 1000);
        return entry;
    }

    /** A download's file and its window of unacknowledged bytes. */
    static final class Download {
        final InputStream in;
        final long window;
        long inFlight;
        private boolean ended;

        Download(InputStream in, long window) {
            this.in = in;
            this.window = window;
        }

        /** The next chunk, or null once the file is sent whole (the acknowledgements of its last chunks follow). */
        byte[] next() {
            if (ended) {
                return null;
            }
            try {
                byte[] chunk = in.readNBytes(CHUNK_SIZE);
                if (chunk.length == 0) {
                    ended = true;
                    in.close();
                    return null;
                }
                inFlight += chunk.length;
                return chunk;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        byte[] nextInWindow() {
            return inFlight < window ? next() : null;
        }
    }

    /** An upload's file, what it expects and what it has acknowledged. */
    private static final class Upload {
        final OutputStream out;
        final long expected;
        final long threshold;
        long received;
        long sinceAck;
        int acks;

        Upload(OutputStream out, long expected) {
            this.out = out;
            this.expected = expected;
            this.threshold = Math.min(MAX_ACK_THRESHOLD, Math.max(CHUNK_SIZE, expected / 100));
        }
    }
}
