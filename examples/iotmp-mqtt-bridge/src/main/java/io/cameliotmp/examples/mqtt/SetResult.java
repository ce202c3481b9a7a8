package io.cameliotmp.examples.mqtt;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the bridge publishes on {@code devices/{device}/{resource}/result} after a {@code …/set} message: the
 * resource's output (null for resources that return nothing), or why the device could not run it.
 */
public record SetResult(boolean ok, Object output, @JsonInclude(JsonInclude.Include.NON_NULL) String error) {
}
