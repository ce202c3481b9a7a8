package io.cameliotmp.api;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cameliotmp.api.access.AccessTickets;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * {@code POST /v3/users/{user}/tickets} with
 * {@code {"url": "/v3/users/{user}/devices/{device}/files/download?path=…"}}: a single-use ticket for a
 * {@code GET} of that URL, answered {@code {"ticket": "…", "expiresIn": 30}}; the URL then carries
 * {@code ticket=…} instead of the token ({@link AccessTickets}). Asked for with the token in the
 * {@code Authorization} header, as the console does.
 */
public final class TicketController {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AccessTickets tickets;

    TicketController(AccessTickets tickets) {
        this.tickets = tickets;
    }

    @PostMapping("/v3/users/{user}/tickets")
    public ResponseEntity<Map<String, Object>> issue(@PathVariable String user, HttpServletRequest request)
            throws IOException {
        InvalidRequestException.requireName("user", user);
        JsonNode body;
        try {
            // the body filter has admitted it (max-body-size) and holds it whole
            body = JSON.readTree(request.getInputStream());
        } catch (IOException e) {
            throw new InvalidRequestException("the body is {\"url\": \"/v3/users/…\"}: " + e.getMessage());
        }
        JsonNode url = body == null ? null : body.get("url");
        if (url == null || !url.isTextual()) {
            throw new InvalidRequestException("the body is {\"url\": \"/v3/users/…\"}, the URL the ticket is for");
        }
        AccessTickets.Issued issued = tickets.issue(request, url.asText());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ticket", issued.ticket());
        answer.put("expiresIn", issued.expiresInSeconds());
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(answer);
    }

    @ExceptionHandler(Exception.class)
    public ResponseEntity<Map<String, Object>> failed(Exception failure) {
        ApiError error = failure instanceof AccessTickets.TicketRefusedException refused ? refused.error()
                : ApiError.of(failure);
        return ResponseEntity.status(error.status()).contentType(MediaType.APPLICATION_JSON).body(error.body());
    }
}
