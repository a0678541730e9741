package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.hibernate.domain.Item;
import io.caspian.testing.MemcachedExtension;
import java.util.Map;
import org.hibernate.Session;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A writer's release that cannot reach memcached (the server paused at its completion): the region is evicted, but
 * its soft lock, which survives evictions, would keep the key uncacheable on every node for the lock timeout (60 s).
 * The writer's node releases it again once memcached answers.
 */
class OwedReleaseTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  @BeforeEach
  void needsProvider() {
    TwoNodes.assumeProvider();
  }

  @Test
  void aReleaseThatCouldNotLandIsRetriedWhenMemcachedIsBack() throws Exception {
    Map<String, String> syncCompletions = Map.of(CaspianSettings.ASYNC_COMPLETION, "false");
    try (TwoNodes nodes = new TwoNodes(TwoNodes.CASPIAN, memcached.addresses(), syncCompletions, Map.of())) {
      nodes.a.inTransaction(s -> s.persist(new Item(1L, "c1", "v1")));
      Session writer = nodes.a.openSession();
      writer.beginTransaction();
      writer.find(Item.class, 1L).setName("v2");
      writer.flush(); // the soft lock is in memcached now
      memcached.server().pause();
      try {
        writer.getTransaction().commit(); // the database commits; the release times out
      } finally {
        memcached.server().resume();
        writer.close();
      }
      assertEquals(1, TwoNodes.regions(nodes.a).getOwedReleaseCount(), "the release is owed");

      long start = System.nanoTime();
      var items = nodes.b.getStatistics().getDomainDataRegionStatistics("items");
      boolean hit = false;
      while (!hit && System.nanoTime() - start < 15e9) {
        long hits = items.getHitCount();
        assertEquals("v2", TwoNodes.itemName(nodes.b, 1L));
        hit = items.getHitCount() > hits;
        Thread.sleep(100);
      }
      assertTrue(hit, "B caches item 1 again once A's owed release landed, not after the 60 s lock timeout (retried "
          + TwoNodes.regions(nodes.a).getRetriedReleaseCount() + ", owed " + TwoNodes.regions(nodes.a).getOwedReleaseCount() + ")");
      assertEquals(1, TwoNodes.regions(nodes.a).getRetriedReleaseCount());
      assertEquals(0, TwoNodes.regions(nodes.a).getOwedReleaseCount());
    }
  }
}
