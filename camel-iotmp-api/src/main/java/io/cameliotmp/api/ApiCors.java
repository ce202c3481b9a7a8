package io.cameliotmp.api;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.DefaultCorsProcessor;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/**
 * Cross-origin requests to the API ({@code cors-allowed-origins}): web pages of the listed origins may call it from
 * their scripts with a token, in the {@code Authorization} header or the {@code authorization} query parameter. No
 * cookies are used, so no credentials are allowed. A preflight carries no token: the filter answers it ahead of the
 * access filter, which would refuse it with 401 (and count it as a failed authentication), and refuses one of any other
 * origin (403) before it reaches a route. A request from the application's own origin is no cross-origin request and
 * passes untouched.
 */
final class ApiCors {

    /** What the API serves: GET (HEAD with it) and POST. */
    static final List<String> METHODS = List.of(HttpMethod.GET.name(), HttpMethod.HEAD.name(),
            HttpMethod.POST.name());
    /** The request headers a page may send beyond the safelisted ones. */
    static final List<String> REQUEST_HEADERS = List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE,
            "Last-Event-ID");
    /** The answer's headers a page may read beyond the safelisted ones. */
    static final List<String> EXPOSED_HEADERS = List.of(HttpHeaders.RETRY_AFTER, HttpHeaders.CONTENT_DISPOSITION,
            HttpHeaders.CONTENT_LENGTH, HttpHeaders.WWW_AUTHENTICATE);
    /** How long a browser may keep a preflight's answer (Chromium keeps it 2 hours at most). */
    static final Duration MAX_AGE = Duration.ofMinutes(30);

    /** An origin ({@code scheme://host[:port]}, possibly with patterns), or {@code *} for every origin. */
    private static final Pattern ORIGIN = Pattern.compile("\\*|[A-Za-z][A-Za-z0-9+.-]*://[^/?#\\s]+/?");

    private ApiCors() {
    }

    /**
     * The origins of {@code cors-allowed-origins}, blank entries dropped; none when unset.
     *
     * @throws IllegalArgumentException for an entry that is no origin (a path or no scheme would never match)
     */
    static List<String> origins(List<String> configured) {
        if (configured == null) {
            return List.of();
        }
        List<String> origins = configured.stream().map(String::strip).filter(origin -> !origin.isEmpty()).toList();
        for (String origin : origins) {
            if (!ORIGIN.matcher(origin).matches()) {
                throw new IllegalArgumentException(IotmpApiProperties.PREFIX + ".cors-allowed-origins: '" + origin
                                                   + "' is no origin: scheme://host[:port], such as"
                                                   + " https://dashboard.example.com, or a pattern of one");
            }
        }
        return origins;
    }

    /** The filter for the API's paths, answering preflights of {@code origins} and refusing those of others. */
    static CorsFilter filter(List<String> origins, ObjectMapper json) {
        CorsConfiguration configuration = new CorsConfiguration();
        configuration.setAllowedOriginPatterns(origins);
        configuration.setAllowedMethods(METHODS);
        configuration.setAllowedHeaders(REQUEST_HEADERS);
        configuration.setExposedHeaders(EXPOSED_HEADERS);
        configuration.setAllowCredentials(false);
        configuration.setMaxAge(MAX_AGE);
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        // every path the filter sees: its registration maps it to the API's paths
        source.registerCorsConfiguration("/**", configuration);
        CorsFilter filter = new CorsFilter(source);
        filter.setCorsProcessor(new JsonRefusals(json));
        return filter;
    }

    /** Refuses as the API's other filters do: an error in the API's JSON shape rather than Spring's plain text. */
    private static final class JsonRefusals extends DefaultCorsProcessor {

        private final ObjectMapper json;

        JsonRefusals(ObjectMapper json) {
            this.json = json;
        }

        @Override
        protected void rejectRequest(ServerHttpResponse response) throws IOException {
            ApiError error = new ApiError(HttpStatus.FORBIDDEN.value(), "cross-origin request refused: its origin,"
                    + " method or headers are not allowed (" + IotmpApiProperties.PREFIX + ".cors-allowed-origins)");
            byte[] body = json.writeValueAsBytes(error.body());
            response.setStatusCode(HttpStatus.FORBIDDEN);
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
            response.getHeaders().setContentLength(body.length);
            response.getBody().write(body);
            response.flush();
        }
    }
}
