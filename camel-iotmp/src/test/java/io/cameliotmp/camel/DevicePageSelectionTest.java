package io.cameliotmp.camel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dev console and JMX {@code listDevices} pick a page of a server's devices by keeping the first {@code offset +
 * limit} while reading them rather than sorting them all: both copied and sorted every connection (19,000 on a busy
 * server) on each call to show 100. The page must be the one the full sort gives.
 */
class DevicePageSelectionTest {

    private static List<String> uniqueRandomNames(Random random, int count) {
        Set<String> names = new HashSet<>();
        while (names.size() < count) {
            names.add(Long.toString(random.nextLong() & Long.MAX_VALUE, 36).substring(0, 1 + random.nextInt(8)));
        }
        List<String> shuffled = new ArrayList<>(names);
        java.util.Collections.shuffle(shuffled, random);
        return shuffled;
    }

    private static List<String> bySorting(List<String> names, int offset, int limit) {
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        int from = Math.min(offset, sorted.size());
        return sorted.subList(from, (int) Math.min((long) from + Math.max(0, limit), sorted.size()));
    }

    @Test
    void aPageIsTheOneTheFullSortGives() {
        Random random = new Random(20261207);
        for (int round = 0; round < 200; round++) {
            List<String> names = uniqueRandomNames(random, random.nextInt(60));
            int offset = random.nextInt(names.size() + 10);
            int limit = random.nextInt(names.size() + 10);
            assertThat(ServerViews.page(names, Comparator.naturalOrder(), offset, limit))
                    .as("offset %s, limit %s of %s", offset, limit, names).isEqualTo(bySorting(names, offset, limit));
        }
    }

    @Test
    void pagesOneAfterTheOtherListEveryNameOnceInOrder() {
        List<String> names = uniqueRandomNames(new Random(7), 1000);
        List<String> read = new ArrayList<>();
        for (int offset = 0; offset < 1100; offset += 30) {
            read.addAll(ServerViews.page(names, Comparator.naturalOrder(), offset, 30));
        }
        assertThat(read).isEqualTo(bySorting(names, 0, names.size()));
    }

    @Test
    void nothingPastTheEndNorForNoLimitAndNoOverflowForHugeOnes() {
        List<String> names = List.of("d", "b", "a", "c");
        Comparator<String> order = Comparator.naturalOrder();
        assertThat(ServerViews.page(names, order, 4, 10)).isEmpty();
        assertThat(ServerViews.page(names, order, Integer.MAX_VALUE, Integer.MAX_VALUE)).isEmpty();
        assertThat(ServerViews.page(names, order, 0, 0)).isEmpty();
        assertThat(ServerViews.page(names, order, 0, -5)).isEmpty();
        assertThat(ServerViews.page(names, order, -3, 2)).containsExactly("a", "b");
        assertThat(ServerViews.page(names, order, 1, Integer.MAX_VALUE)).containsExactly("b", "c", "d");
        assertThat(ServerViews.page(List.<String> of(), order, 0, 100)).isEmpty();
    }

    @Test
    void aFirstPageOfManyComparesEachItemAboutOnceInsteadOfSortingThemAll() {
        List<String> names = uniqueRandomNames(new Random(19_000), 20_000);
        AtomicLong comparisons = new AtomicLong();
        Comparator<String> counting = (a, b) -> {
            comparisons.incrementAndGet();
            return a.compareTo(b);
        };
        assertThat(ServerViews.page(names, counting, 0, 100)).isEqualTo(bySorting(names, 0, 100));
        // a full sort of 20,000 compares about 20,000 * log2(20,000), some 270,000 times
        assertThat(comparisons.get()).as("comparisons").isLessThan(2L * names.size());
    }
}
