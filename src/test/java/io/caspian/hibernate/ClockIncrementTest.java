package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.hibernate.protocol.ClockTicks;
import io.caspian.jcache.CaspianCachingProvider;
import io.caspian.testing.MemcachedExtension;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cluster clock advanced by {@code incr} (one round trip) instead of read-and-CAS, tried by three nodes whose wall
 * clocks disagree, advancing from four threads each as fast as they can: every advance must be above every value
 * obtained anywhere before it began, and the clock must not run away from wall time (an increment adds what the
 * node thinks is missing, and nodes with stale views could otherwise add the same time many times over), nor stay
 * behind it after a quiet spell.
 */
class ClockIncrementTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  private static final long SKEW_MILLIS = 30;

  /** One advance: when it began and ended, its value and the fastest wall clock's time after it. */
  record Advance(long startedNanos, long endedNanos, long value, long fastestWallAfter) {
  }

  @Test
  void concurrentIncrementsAreOrderedAndStayNearTheFastestWallClock() throws Exception {
    try (CacheManager manager = new CaspianCachingProvider()
        .getCacheManager(URI.create("memcached://" + memcached.addresses() + "/incr"), null)) {
      Cache<Object, Object> meta = manager.createCache("meta", new MutableConfiguration<>());
      // the clock as a running cluster has it (a lost clock is rebuilt a skew margin ahead: not what this test is about)
      meta.unwrap(io.caspian.jcache.ServerAwareCache.class)
          .incrementLater(ClusterClock.KEY, 1, ClockTicks.fromMillis(System.currentTimeMillis())).getAsLong();
      ClusterClock[] nodes = {
          new ClusterClock(meta, Duration.ofSeconds(1), () -> System.currentTimeMillis()),
          new ClusterClock(meta, Duration.ofSeconds(1), () -> System.currentTimeMillis() + SKEW_MILLIS),
          new ClusterClock(meta, Duration.ofSeconds(1), () -> System.currentTimeMillis() - SKEW_MILLIS)};
      ExecutorService pool = Executors.newFixedThreadPool(12);
      List<Future<List<Advance>>> results = new ArrayList<>();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      for (int t = 0; t < 12; t++) {
        ClusterClock node = nodes[t % 3];
        int thread = t;
        results.add(pool.submit(() -> {
          List<Advance> mine = new ArrayList<>();
          while (System.nanoTime() < until) {
            long start = System.nanoTime();
            long value = node.advance();
            long end = System.nanoTime();
            mine.add(new Advance(start, end, value,
                ClockTicks.fromMillis(System.currentTimeMillis() + SKEW_MILLIS)));
            if (thread % 4 == 0) {
              Thread.sleep(0, 200_000); // some threads pause, so views of the clock age unevenly
            }
          }
          return mine;
        }));
      }
      List<Advance> all = new ArrayList<>();
      for (Future<List<Advance>> result : results) {
        all.addAll(result.get());
      }
      pool.shutdown();
      assertTrue(all.size() > 1000, "enough advances to matter: " + all.size());

      // strictly above every value that had been returned anywhere before the advance began
      all.sort(java.util.Comparator.comparingLong(Advance::endedNanos));
      List<Advance> byStart = new ArrayList<>(all);
      byStart.sort(java.util.Comparator.comparingLong(Advance::startedNanos));
      long highestEnded = Long.MIN_VALUE; // after the loop: the highest value returned by any advance
      int ended = 0;
      for (Advance a : byStart) {
        while (ended < all.size() && all.get(ended).endedNanos() < a.startedNanos()) {
          highestEnded = Math.max(highestEnded, all.get(ended).value());
          ended++;
        }
        assertTrue(a.value() > highestEnded, "an advance returned " + a.value() + " after " + highestEnded
            + " had been returned");
      }
      assertEquals(all.size(), all.stream().mapToLong(Advance::value).distinct().count(), "values are unique");

      // the clock runs ahead of the fastest wall clock by at most about one catch-up per node
      long catchUp = ClusterClock.CATCH_UP_TICKS / ClockTicks.PER_MILLI;
      long mostAheadMillis = Long.MIN_VALUE;
      for (Advance a : all) {
        mostAheadMillis = Math.max(mostAheadMillis, (a.value() - a.fastestWallAfter()) / ClockTicks.PER_MILLI);
      }
      assertTrue(mostAheadMillis <= nodes.length * catchUp + 20,
          "the clock ran " + mostAheadMillis + " ms ahead of the fastest wall clock (" + all.size() + " advances)");
      // after a quiet spell an increment adds at most one catch-up, and the clock is raised to wall time behind it
      Thread.sleep(300);
      long wall = ClockTicks.fromMillis(System.currentTimeMillis() + SKEW_MILLIS);
      long stamp = nodes[1].advance();
      assertTrue(stamp > highestEnded, "still above every earlier value");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while ((Long) meta.get(ClusterClock.KEY) < wall && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertTrue((Long) meta.get(ClusterClock.KEY) >= wall, "the clock was not raised to the wall time of its node");
      assertTrue(nodes[0].advance() > (Long) meta.get(ClusterClock.KEY) - 1, "increments go on from the raised value");
    }
  }
}
