package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.hibernate.protocol.ClockTicks;
import io.caspian.jcache.CaspianCachingProvider;
import io.caspian.testing.MemcachedExtension;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes whose wall clocks disagree by two hours share one cluster clock on real memcached. Every ordering
 * decision ("did this transaction begin after that commit?") must come out right whichever node is ahead; only lock
 * deadlines may shift, and by at most the skew, never beyond it.
 */
class ClockSkewTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  private static final long HOUR = TimeUnit.HOURS.toMillis(1);

  @Test
  void orderingIgnoresSkewAndDeadlinesShiftByAtMostTheSkew() {
    CacheManager manager = new CaspianCachingProvider()
        .getCacheManager(URI.create("memcached://" + memcached.addresses() + "/skew"), null);
    Cache<Object, Object> meta = manager.createCache("meta", new MutableConfiguration<>());
    ClusterClock ahead = new ClusterClock(meta, Duration.ZERO, () -> System.currentTimeMillis() + HOUR);
    ClusterClock behind = new ClusterClock(meta, Duration.ZERO, () -> System.currentTimeMillis() - HOUR);

    for (int round = 0; round < 20; round++) {
      ClusterClock writer = round % 2 == 0 ? ahead : behind;
      ClusterClock reader = round % 2 == 0 ? behind : ahead;
      long beganBefore = reader.current();
      long commit = writer.advance();
      long beganAfter = reader.current();
      assertTrue(beganBefore < commit, "a transaction that began before the commit is ordered before it");
      assertTrue(beganAfter >= commit, "one that began after it is ordered after it, whatever the wall clocks");
      assertTrue(reader.advance() > commit, "advances are strictly increasing across nodes");
    }

    // deadlines: the node behind has seen the cluster time of the node ahead, so its "now" is not behind by the skew
    long lockDeadline = ahead.now() + ClockTicks.fromMillis(TimeUnit.MINUTES.toMillis(1));
    long behindNow = behind.now();
    assertTrue(behindNow <= lockDeadline, "a fresh lock of the node ahead is not expired on the node behind");
    assertTrue(ahead.now() - behindNow <= ClockTicks.fromMillis(2 * HOUR),
        "the two views of now differ by at most the skew");
    manager.close();
  }
}
