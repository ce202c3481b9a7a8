package io.cameliotmp.api;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses (400) a request for the API whose path has a path parameter ({@code ;}) or a {@code .} or {@code ..}
 * segment (also as {@code %2e}), on every path of the application, ahead of the API's other filters.
 * <p>
 * Three readers see a request's path, and they must agree on what it addresses. Tomcat chooses the filters by the
 * path decoded, its path parameters dropped and its dot segments resolved: the API's filters (the access token, the
 * body limits) run on what that puts under {@code /v3/}. Spring MVC chooses the handler by the raw path, path
 * parameters dropped from each segment but dot segments kept, and hands the handlers their path variables so. The
 * access filter and the routes read the raw path as it is. So
 * {@code /v3/users/u/devices/d/resources/$fs/get/..;/..;/..;/..;/..;/..;/..;/..;/x} was {@code /x} to Tomcat, ran
 * no filter of the API, and Spring MVC gave it to the resource route: any user's device was called without a token
 * and with a body of any size. And {@code …/resources/room-1-secret;-temp/stream} was {@code room-1-secret;-temp} to
 * the access filter (which a token's {@code room-*-temp} reaches) but {@code room-1-secret} to the stream. Without
 * path parameters and dot segments the three read the same path. A {@code ;} in a name is written {@code %3B}.
 */
final class ApiPathGuard extends OncePerRequestFilter {

    private static final String API_SEGMENT = "v3";

    private final ObjectMapper json;

    ApiPathGuard(ObjectMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String uri = request.getRequestURI();
        String contextPath = request.getContextPath();
        String path = contextPath != null && uri.startsWith(contextPath) ? uri.substring(contextPath.length()) : uri;
        String refused = isApi(request, uri, contextPath) ? whyNotPlain(path) : null;
        if (refused == null) {
            chain.doFilter(request, response);
            return;
        }
        // the API's filters, which set these, do not run for a path Tomcat puts elsewhere
        BrowserSecurityHeaders.forApi().headers().forEach(response::setHeader);
        ApiErrorResponse.write(response, json, new ApiError(400, refused));
    }

    /** Whether Tomcat (the filters) or Spring MVC (the handlers) takes the request for one of the API's. */
    private static boolean isApi(HttpServletRequest request, String uri, String contextPath) {
        String servletPath = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (servletPath.equals("/" + API_SEGMENT) || servletPath.startsWith("/" + API_SEGMENT + "/")) {
            return true;
        }
        try {
            List<PathContainer.Element> elements =
                    RequestPath.parse(uri, contextPath).pathWithinApplication().elements();
            return elements.size() > 1 && elements.get(1) instanceof PathContainer.PathSegment segment
                   && API_SEGMENT.equals(segment.valueToMatch());
        } catch (IllegalArgumentException e) {
            // a path Spring MVC cannot decode either: then it is no request of the API's to Spring MVC
            return false;
        }
    }

    /** Why the raw path within the application is not plain, or null when it is. */
    static String whyNotPlain(String path) {
        if (path.indexOf(';') >= 0) {
            return "the path has a path parameter (;); write a ; of a name as %3B";
        }
        for (String segment : path.split("/", -1)) {
            String dots = segment.replace("%2e", ".").replace("%2E", ".");
            if (".".equals(dots) || "..".equals(dots)) {
                return "the path has a . or .. segment";
            }
        }
        return null;
    }
}
