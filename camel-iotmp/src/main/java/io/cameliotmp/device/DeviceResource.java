package io.cameliotmp.device;

/** A registered device resource: its path (maybe a pattern), kind, handler and optional DESCRIBE input sample. */
record DeviceResource(ResourcePath path, ResourceKind kind, ResourceHandler handler, Object inputSample) {

    String name() {
        return path.path();
    }
}
