package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.jcache.CaspianCachingProvider;
import io.caspian.testing.MemcachedExtension;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Path 9 of issue 8: memcached loses the cluster clock key (LRU, restart) and the first node to touch it rebuilds it.
 * That node's wall clock and its last seen value may both be behind what other nodes already obtained; stamps issued
 * after the rebuild must still be above every stamp issued before it, or a transaction would be ordered before a
 * commit it began after (or after one it began before).
 */
class ClockRebuildTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  private Cache<Object, Object> meta(CacheManager manager) {
    return manager.createCache("meta", new MutableConfiguration<>());
  }

  private CacheManager manager() {
    String namespace = "rebuild" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    return new CaspianCachingProvider()
        .getCacheManager(URI.create("memcached://" + memcached.addresses() + "/" + namespace), null);
  }

  @Test
  void aNodeBehindWithinTheMaximumSkewRebuildsAboveEverythingIssued() {
    try (CacheManager manager = manager()) {
      Cache<Object, Object> meta = meta(manager);
      // (no margin of its own: the clock it creates stands at its wall time, as it does once a rebuild is old)
      ClusterClock ahead = new ClusterClock(meta, Duration.ZERO, Duration.ZERO,
          () -> System.currentTimeMillis() + 500);
      long issued = ahead.advance();
      meta.remove(ClusterClock.KEY); // memcached drops the clock

      // a node that never read the clock, its wall clock 500 ms behind the other's
      ClusterClock fresh = new ClusterClock(meta, Duration.ZERO, Duration.ofSeconds(1), System::currentTimeMillis);
      long began = fresh.current();
      assertTrue(began > issued, "a transaction beginning now is ordered after the earlier commit: " + began + " <= "
          + issued + ", stored " + meta.get(ClusterClock.KEY));
      assertTrue(fresh.advance() > issued, "stamps never go back");
    }
  }

  @Test
  void aNodeThatSawFurtherRepairsAClockRebuiltBehindIt() {
    try (CacheManager manager = manager()) {
      Cache<Object, Object> meta = meta(manager);
      ClusterClock ahead = new ClusterClock(meta, Duration.ZERO, Duration.ofSeconds(1),
          () -> System.currentTimeMillis() + 60_000);
      long issued = ahead.advance();
      meta.remove(ClusterClock.KEY);
      // skew beyond the configured maximum: the rebuild lands behind what was issued
      ClusterClock behind = new ClusterClock(meta, Duration.ZERO, Duration.ofSeconds(1), System::currentTimeMillis);
      behind.advance();

      assertTrue(ahead.current() > issued, "the node that saw further does not go back with the key");
      assertTrue(behind.advance() > issued, "and its read pushed the shared clock past what it had seen");
    }
  }
}
