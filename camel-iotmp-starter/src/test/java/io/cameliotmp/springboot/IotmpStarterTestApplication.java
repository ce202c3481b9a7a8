package io.cameliotmp.springboot;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application the Spring Boot tests start: nothing but auto-configuration. Each test class adds its routes and
 * beans through a nested configuration, which component scanning leaves to that test alone.
 */
@SpringBootApplication
public class IotmpStarterTestApplication {
}
