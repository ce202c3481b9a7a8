package io.cameliotmp.api;

import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Maps the API's Spring MVC handlers ({@link DeviceStreamController}, {@link FileDownloads},
 * {@link DeviceEvents}, {@link TicketController}) ahead of the
 * platform-http routes: Camel's mapping (order -1) would otherwise give {@code …/resources/{resource}/stream} to the
 * resource route, whose prefix takes every path under {@code …/resources}.
 */
final class ApiHandlerMapping extends RequestMappingHandlerMapping {

    /** Before Camel's platform-http mapping (-1). */
    static final int ORDER = -2;

    ApiHandlerMapping() {
        setOrder(ORDER);
    }

    @Override
    protected boolean isHandler(Class<?> beanType) {
        return DeviceStreamController.class.isAssignableFrom(beanType) || FileDownloads.class == beanType
               || DeviceEvents.class.isAssignableFrom(beanType) || TicketController.class == beanType;
    }
}
