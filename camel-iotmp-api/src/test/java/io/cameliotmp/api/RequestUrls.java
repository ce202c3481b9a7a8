package io.cameliotmp.api;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The URLs of the requests the test application received, as an access log would have them (path and query), the
 * last {@value #KEPT}: what the tests check that no URL a page opened carries its token.
 */
public final class RequestUrls implements Filter {

    static final int KEPT = 10_000;

    private final Deque<String> urls = new ArrayDeque<>();

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http) {
            String query = http.getQueryString();
            synchronized (urls) {
                if (urls.size() == KEPT) {
                    urls.removeFirst();
                }
                urls.addLast(http.getRequestURI() + (query == null ? "" : "?" + query));
            }
        }
        chain.doFilter(request, response);
    }

    /** The URLs received so far, oldest first. */
    public List<String> received() {
        synchronized (urls) {
            return new ArrayList<>(urls);
        }
    }

    /** Forgets the URLs received so far. */
    public void clear() {
        synchronized (urls) {
            urls.clear();
        }
    }
}
