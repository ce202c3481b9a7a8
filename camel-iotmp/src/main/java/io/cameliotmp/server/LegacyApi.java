package io.cameliotmp.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cameliotmp.protocol.legacy.LegacyMessage;

/**
 * How the values of a legacy device read as IOTMP values: paths as arrays of segments, the {@code ["api"]} tree as
 * a DESCRIBE answer, samples and events without their {@code {"out":…}} / {@code {"in":…}} wrapping, and the
 * targets of its service calls.
 */
final class LegacyApi {

    /** The last path segment that asks a legacy device to describe instead of run. */
    static final String API = "api";

    private static final Set<String> IO_VIEW_KEYS = Set.of("in", "out");

    private LegacyApi() {
    }

    /**
     * A resource as the path array a legacy device walks: an IOTMP path {@code "a/b"} split on '/', a list kept as
     * it is (a device may name one resource {@code "a/b"}; only {@code ["a/b"]} reaches it). Never a plain string:
     * a device takes that for an empty path and runs nothing.
     */
    static List<Object> path(Object resource) {
        if (resource == null) {
            return null;
        }
        if (resource instanceof List<?> list) {
            return new ArrayList<>(list);
        }
        return new ArrayList<>(Arrays.asList(resource.toString().split("/", -1)));
    }

    /** The path of a describe: {@code ["api"]} for the whole tree, {@code [path…, "api"]} for one resource. */
    static List<Object> describePath(Object resource) {
        List<Object> path = resource == null ? new ArrayList<>() : path(resource);
        path.add(API);
        return path;
    }

    /**
     * Estimated heap of one flat entry besides its path: its slot in the result, the description map and its two
     * entries. The values are the decoded ones, shared, so they cost nothing more.
     */
    static final long FLAT_ENTRY_HEAP = 48 + 64 + 2 * 48;
    /** Estimated heap of a path string besides its characters (at most two bytes each). */
    static final long PATH_HEAP = 40;

    /**
     * The {@code ["api"]} tree ({@code {"led":{"al":0,"fn":2},"$ota":{"/":{"write":{…}}}}}) as the flat DESCRIBE
     * answer IOTMP devices give: every resource with a function under its {@code /}-joined path, with {@code fn}
     * and, as extra information, the access level {@code al}; containers only through their children.
     * <p>
     * Every path repeats the keys of its parents, so a deep chain of long keys above many small leaves would expand
     * a frame the decoder accepted into gigabytes of paths. What the result and its paths take is therefore charged
     * before it is built, against {@code maxHeapBytes}.
     *
     * @return the flat answer, or null when it would take more than {@code maxHeapBytes}
     */
    static Map<String, Object> flatten(Object tree, long maxHeapBytes) {
        Map<String, Object> flat = new LinkedHashMap<>();
        if (tree instanceof Map<?, ?> map && !flatten("", map, flat, new long[] { maxHeapBytes })) {
            return null;
        }
        return flat;
    }

    /** False as soon as {@code left[0]}, the heap still allowed, would be exceeded. */
    private static boolean flatten(String prefix, Map<?, ?> tree, Map<String, Object> flat, long[] left) {
        for (Map.Entry<?, ?> entry : tree.entrySet()) {
            if (!(entry.getValue() instanceof Map<?, ?> node)) {
                continue;
            }
            String key = String.valueOf(entry.getKey());
            Object fn = node.get("fn");
            Object children = node.get("/");
            boolean parent = children instanceof Map<?, ?>;
            boolean listed = fn != null || !parent;
            // the path, and for a parent the prefix of its children, are charged before they are built
            long pathHeap = PATH_HEAP + 2L * ((long) prefix.length() + key.length() + 1);
            left[0] -= (listed ? pathHeap + FLAT_ENTRY_HEAP : 0) + (parent ? pathHeap : 0);
            if (left[0] < 0) {
                return false;
            }
            String path = prefix + key;
            if (listed) {
                Map<String, Object> description = new LinkedHashMap<>();
                description.put("fn", fn);
                if (node.get("al") != null) {
                    description.put("al", node.get("al"));
                }
                flat.put(path, description);
            }
            // the decoder bounds the nesting, so the recursion is bounded too
            if (children instanceof Map<?, ?> sub && !flatten(path + "/", sub, flat, left)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The paths of the resources of an {@code ["api"]} tree (the same ones {@link #flatten} lists), as path arrays a
     * device walks, at most {@code max} of them, in the tree's order. Each path shares its parents' segments, so it
     * costs a list, not the characters again.
     */
    static List<List<Object>> resourcePaths(Object tree, int max) {
        List<List<Object>> paths = new ArrayList<>();
        if (tree instanceof Map<?, ?> map) {
            resourcePaths(List.of(), map, paths, max);
        }
        return paths;
    }

    private static void resourcePaths(List<Object> parent, Map<?, ?> tree, List<List<Object>> paths, int max) {
        for (Map.Entry<?, ?> entry : tree.entrySet()) {
            if (paths.size() >= max) {
                return;
            }
            if (!(entry.getValue() instanceof Map<?, ?> node)) {
                continue;
            }
            List<Object> path = new ArrayList<>(parent.size() + 1);
            path.addAll(parent);
            path.add(String.valueOf(entry.getKey()));
            Object children = node.get("/");
            if (node.get("fn") != null || !(children instanceof Map<?, ?>)) {
                paths.add(path);
            }
            // the decoder bounds the nesting, so the recursion is bounded too
            if (children instanceof Map<?, ?> sub) {
                resourcePaths(path, sub, paths, max);
            }
        }
    }

    /** Libraries before 2.5 name the endpoint in RESOURCE, not IDENTIFIER. */
    static Object endpointOf(LegacyMessage message) {
        if (message.identifier() == null && message.resource() instanceof List<?> path && !path.isEmpty()) {
            return path.get(0);
        }
        return message.identifier();
    }

    /**
     * The IOTMP-Linux target of a call between devices: {@code [device, resource]}. A path whose one segment is not
     * a string (a PSON null among them, which {@code List.of} would refuse with an exception that closed the
     * connection) names no resource: the device alone is a target the call is refused for, with an answer.
     */
    static Object targetDeviceOf(LegacyMessage message) {
        if (message.identifier() instanceof String target && message.resource() instanceof List<?> path
            && path.size() == 1 && path.get(0) instanceof String resource) {
            return List.of(target, resource);
        }
        return message.identifier();
    }

    /**
     * A sample or event as IOTMP carries it: the io view {@code {"out":v}} gives v, {@code {"in":v}} gives v, both
     * give the output; anything else (the raw values of {@code stream_data()}, a function's {@code {}}) is kept.
     */
    static Object unwrap(Object payload) {
        if (payload instanceof Map<?, ?> map && !map.isEmpty() && IO_VIEW_KEYS.containsAll(map.keySet())) {
            return map.containsKey("out") ? map.get("out") : map.get("in");
        }
        return payload;
    }
}
