package io.cameliotmp.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;

/** Writes an {@link ApiError} as the whole answer of a request the API's filters refuse before any handler. */
public final class ApiErrorResponse {

    private ApiErrorResponse() {
    }

    /** Sets the status and writes the error's JSON with its length, so the connection can be kept. */
    public static void write(HttpServletResponse response, ObjectMapper json, ApiError error) throws IOException {
        byte[] body = json.writeValueAsBytes(error.body());
        response.setStatus(error.status());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
