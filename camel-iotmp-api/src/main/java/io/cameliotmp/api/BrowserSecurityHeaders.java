package io.cameliotmp.api;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;

/**
 * Response headers that tell a browser how to treat what the API and the console send. What the API answers is the
 * devices' data, and devices are not to be trusted: a device names its resources, fills their values and sends the
 * bytes a download carries, so a browser must never run any of it as a page, and must not keep it where the next
 * user of the machine finds it. The console renders device data as text only; its page's policy makes sure that, were
 * that ever broken, no script but the console's own files runs, and that no other site frames the signed-in page.
 * Set before the request is handled, so that error answers carry them too.
 */
final class BrowserSecurityHeaders implements Filter {

    /**
     * The policy of the console's page by default: its own files only, no inline script, no framing. Inline styles
     * are allowed: xterm.js writes its sizes and colours as style elements, and a style runs no script.
     */
    static final String DEFAULT_CONSOLE_POLICY = "default-src 'self'; script-src 'self';"
                                                 + " style-src 'self' 'unsafe-inline';"
                                                 + " img-src 'self' data:; connect-src 'self'; object-src 'none';"
                                                 + " base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final Map<String, String> headers;

    private BrowserSecurityHeaders(Map<String, String> headers) {
        this.headers = Map.copyOf(headers);
    }

    /**
     * For the API's answers: never sniffed into another type than the one declared (a device's value rendered as
     * HTML), never stored by a browser or a shared cache (device data, and the tokens some clients put in the query),
     * never sent on as a referrer (the query may carry a token).
     */
    static BrowserSecurityHeaders forApi() {
        Map<String, String> headers = common();
        headers.put(HttpHeaders.CACHE_CONTROL, "no-store");
        return new BrowserSecurityHeaders(headers);
    }

    /**
     * For the console's page: {@code policy} as its {@code Content-Security-Policy} (none when blank), and no framing
     * by any site for browsers that do not read the policy's {@code frame-ancestors}.
     */
    static BrowserSecurityHeaders forConsolePage(String policy) {
        Map<String, String> headers = common();
        if (policy != null && !policy.isBlank()) {
            headers.put("Content-Security-Policy", policy.strip());
        }
        headers.put("X-Frame-Options", "DENY");
        return new BrowserSecurityHeaders(headers);
    }

    /**
     * For the console's own files (its scripts and style sheet, xterm.js's): never sniffed into another type than
     * the one declared, as the page's answers are not; what a browser runs as the console's script is only ever a
     * file served as a script.
     */
    static BrowserSecurityHeaders forConsoleFiles() {
        return new BrowserSecurityHeaders(common());
    }

    private static Map<String, String> common() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        return headers;
    }

    Map<String, String> headers() {
        return headers;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (response instanceof HttpServletResponse http) {
            headers.forEach(http::setHeader);
        }
        chain.doFilter(request, response);
    }
}
