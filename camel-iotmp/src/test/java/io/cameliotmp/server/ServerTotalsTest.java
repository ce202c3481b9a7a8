package io.cameliotmp.server;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The totals sit in front of the configured metrics: an event method they do not override would silently stop there
 * (a default method is a no-op). Java cannot make overriding a default method mandatory, so this test does.
 */
class ServerTotalsTest {

    @Test
    void theCountingMetricsHandOnEveryEvent() {
        Class<?> counting = new ServerTotals().counting(ServerMetrics.NONE).getClass();
        List<String> notHandedOn = new ArrayList<>();
        for (Method method : ServerMetrics.class.getMethods()) {
            if (Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            try {
                counting.getDeclaredMethod(method.getName(), method.getParameterTypes());
            } catch (NoSuchMethodException e) {
                notHandedOn.add(method.getName());
            }
        }
        assertThat(notHandedOn).as("ServerMetrics methods the totals do not override").isEmpty();
    }

    @Test
    void refusalsAndQuotaRefusalsAreCountedAndHandedOn() {
        ServerTotals totals = new ServerTotals();
        List<String> seen = new ArrayList<>();
        ServerMetrics metrics = totals.counting(new ServerMetrics() {
            @Override
            public void refused(Refusal reason) {
                seen.add("refused " + reason);
            }

            @Override
            public void quotaExceeded(QuotaExceededException.Quota quota) {
                seen.add("quota " + quota);
            }
        });
        metrics.refused(Refusal.values()[0]);
        metrics.quotaExceeded(QuotaExceededException.Quota.values()[0]);
        assertThat(totals.refusedByLimits()).isEqualTo(1);
        assertThat(totals.quotaRefusals()).isEqualTo(1);
        assertThat(seen).hasSize(2);
    }
}
