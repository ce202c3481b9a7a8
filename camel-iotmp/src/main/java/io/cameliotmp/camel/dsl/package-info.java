/**
 * Typed Java builders for the iotmp component: Endpoint DSL
 * ({@link io.cameliotmp.camel.dsl.IotmpEndpointBuilderFactory}, {@link io.cameliotmp.camel.dsl.IotmpBuilders}) and
 * Component DSL
 * ({@link io.cameliotmp.camel.dsl.IotmpComponentBuilderFactory}). They need camel-endpointdsl and camel-componentdsl on
 * the classpath, which camel-iotmp declares as optional dependencies.
 */
package io.cameliotmp.camel.dsl;
