package io.cameliotmp.api;

import java.util.Map;

import jakarta.servlet.RequestDispatcher;
import org.springframework.boot.web.error.ErrorAttributeOptions;
import org.springframework.boot.web.servlet.error.DefaultErrorAttributes;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.WebRequest;

/**
 * Spring Boot's error answers (a path the API does not have, a method or media type a path does not take, a request
 * Spring MVC could not read) in the API's error shape, {@code {"status", "error", "message"}}, for the API's paths;
 * everything else keeps Spring Boot's shape.
 */
final class ApiErrorAttributes extends DefaultErrorAttributes {

    @Override
    public Map<String, Object> getErrorAttributes(WebRequest request, ErrorAttributeOptions options) {
        Object path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI, RequestAttributes.SCOPE_REQUEST);
        Map<String, Object> attributes = super.getErrorAttributes(request, options);
        if (!(path instanceof String uri) || !uri.contains("/v3/")) {
            return attributes;
        }
        int status = attributes.get("status") instanceof Integer code ? code : 500;
        return new ApiError(status, messageFor(status)).body();
    }

    private static String messageFor(int status) {
        return switch (status) {
            case 404 -> "the API has no such path";
            case 405 -> "the path does not take this method";
            case 406 -> "the API answers JSON (application/json), bytes (application/octet-stream) or events"
                        + " (text/event-stream) only";
            case 415 -> "a body is sent as application/json or application/octet-stream";
            case 400 -> "the request is malformed";
            case 500 -> ApiError.INTERNAL_ERROR;
            default -> ApiError.reasonPhrase(status);
        };
    }
}
