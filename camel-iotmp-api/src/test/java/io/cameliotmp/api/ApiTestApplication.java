package io.cameliotmp.api;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application of the starter with the device API turned on (application.yml of the tests). */
@SpringBootApplication
public class ApiTestApplication {
}
