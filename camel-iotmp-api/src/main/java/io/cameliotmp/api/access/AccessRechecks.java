package io.cameliotmp.api.access;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.cameliotmp.api.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Checks the access token of every request that stays open (a byte session, a resource stream, a subscription to
 * device events) again every {@code camel.iotmp.api.access-recheck-interval}, and ends what it no longer grants. The
 * {@link ApiAccessFilter} checks a token once, as the request arrives; without this a token revoked or expired in an
 * application's own {@link AccessTokenStore} kept its open terminals and streams for as long as their clients stayed.
 * <p>
 * The presented token is kept, in memory only, for as long as its request is watched: a store can only be asked by
 * it. One look-up per distinct token and round, on one thread of its own; a store that fails (its database away) ends
 * nothing: that is no revocation.
 */
public final class AccessRechecks implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(AccessRechecks.class);

    private final AccessTokenStore tokens;
    private final Set<Watch> watched = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;
    private final AtomicLong revoked = new AtomicLong();

    /**
     * @param every how often the tokens are checked again ({@code camel.iotmp.api.access-recheck-interval})
     */
    public AccessRechecks(AccessTokenStore tokens, Duration every) {
        this.tokens = tokens;
        ScheduledThreadPoolExecutor executor =
                new ScheduledThreadPoolExecutor(1, new CustomizableThreadFactory("api-access-recheck-"));
        long millis = every.toMillis();
        executor.scheduleWithFixedDelay(this::checkAll, millis, millis, TimeUnit.MILLISECONDS);
        this.timer = executor;
    }

    /**
     * Watches an admitted request that stays open until {@link Watch#cancel()}.
     *
     * @param admission the request's {@link ApiAccessFilter#ADMISSION} (an attribute of the request, or of the
     *                  WebSocket copied from its handshake); when there is none (no access filter in front: a
     *                  misconfiguration) nothing is watched
     * @param onRevoked told once, on the checking thread, when the token no longer grants the request: 401 when the
     *                  store no longer knows it, 403 when it no longer reaches what the request asked for; must not
     *                  block
     */
    public Watch watch(Object admission, Consumer<ApiError> onRevoked) {
        Watch watch = new Watch(admission instanceof ApiAccessFilter.Admission a ? a : null, onRevoked);
        if (watch.admission != null) {
            watched.add(watch);
        }
        return watch;
    }

    /** Checks every watched request now (and again at the interval). */
    public void checkAll() {
        // per round: many streams of one token cost one look-up
        Map<String, Optional<AccessToken>> found = new HashMap<>();
        // and a store that failed on a token is not asked again for it in the same round
        Set<String> unanswered = new HashSet<>();
        for (Watch watch : watched) {
            String presented = watch.admission.presented();
            if (unanswered.contains(presented)) {
                continue;
            }
            ApiError error;
            try {
                Optional<AccessToken> token = found.computeIfAbsent(presented, tokens::find);
                String denied = token.map(t -> ApiAccessFilter.denial(t, watch.admission.asked())).orElse(null);
                error = token.isEmpty() ? new ApiError(401, "the access token is no longer valid")
                        : denied != null ? new ApiError(403, denied)
                        : null;
            } catch (RuntimeException e) {
                unanswered.add(presented);
                LOG.debug("Checking the access token of {} again failed: {}", watch.admission.asked(), e.toString());
                continue;
            }
            if (error != null && watched.remove(watch)) {
                revoked.incrementAndGet();
                LOG.debug("{}: {}", watch.admission.asked(), error.message());
                try {
                    watch.onRevoked.accept(error);
                } catch (RuntimeException e) {
                    LOG.debug("Ending {} failed: {}", watch.admission.asked(), e.toString());
                }
            }
        }
    }

    /** How many open requests were ended because their token no longer granted them. */
    public long revokedClosed() {
        return revoked.get();
    }

    /** Requests watched now; for tests: none once every client left. */
    public int watched() {
        return watched.size();
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }

    /** One open request, watched until it ends. */
    public final class Watch {

        private final ApiAccessFilter.Admission admission;
        private final Consumer<ApiError> onRevoked;

        private Watch(ApiAccessFilter.Admission admission, Consumer<ApiError> onRevoked) {
            this.admission = admission;
            this.onRevoked = onRevoked;
        }

        /** The request ended: no longer watched (and its token no longer kept); idempotent. */
        public void cancel() {
            watched.remove(this);
        }
    }
}
