package io.cameliotmp.api;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/** An application of the starter with the device API turned on (application.yml of the tests). */
@SpringBootApplication
public class ApiTestApplication {

    /** The URLs of every request, as an access log has them ({@link RequestUrls}). */
    @Bean
    RequestUrls requestUrls() {
        return new RequestUrls();
    }

    @Bean
    FilterRegistrationBean<RequestUrls> requestUrlsFilter(RequestUrls urls) {
        FilterRegistrationBean<RequestUrls> registration = new FilterRegistrationBean<>(urls);
        registration.addUrlPatterns("/*");
        registration.setAsyncSupported(true);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }
}
