package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.caspian.hibernate.domain.Item;
import io.caspian.testing.MemcachedExtension;
import java.util.List;
import org.hibernate.SessionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A transaction's cache work after its commit runs in the background ({@link CompletionQueue}). While it is still
 * queued, the soft lock and the writer lease the transaction left before its commit must keep every other node off
 * the old value: entity reads go to the database and are not cached, cached query results over the table are not
 * served. Once it lands, the new value is served from the cache. The writer's own node settles a key's pending
 * completion before reading it again.
 */
class AsyncCompletionTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  private static long hits(SessionFactory node) {
    return node.getStatistics().getSecondLevelCacheHitCount();
  }

  private static String name(SessionFactory node) {
    return node.fromTransaction(s -> s.find(Item.class, 1L)).getName();
  }

  private static List<String> names(SessionFactory node) {
    return node.fromTransaction(s -> s.createQuery("select i.name from Item i", String.class).setCacheable(true)
        .list());
  }

  @Test
  void aQueuedCompletionKeepsOtherNodesOffTheOldValueUntilItLands() {
    try (TwoNodes nodes = new TwoNodes(TwoNodes.CASPIAN, memcached.addresses())) {
      nodes.a.inTransaction(s -> s.persist(new Item(1L, "c1", "v1")));
      Completions.await(nodes.a);
      assertEquals("v1", name(nodes.b));
      assertEquals(List.of("v1"), names(nodes.b));
      long before = hits(nodes.b);
      assertEquals("v1", name(nodes.b));
      assertEquals(before + 1, hits(nodes.b), "B serves v1 from the cache");
      long queryHits = nodes.b.getStatistics().getQueryCacheHitCount();
      assertEquals(List.of("v1"), names(nodes.b));
      assertEquals(queryHits + 1, nodes.b.getStatistics().getQueryCacheHitCount(), "and the query from the cache");

      CaspianRegionFactory a = (CaspianRegionFactory) nodes.a.unwrap(SessionFactoryImplementor.class).getCache()
          .getRegionFactory();
      Runnable release = a.holdCompletions();
      try {
        nodes.a.inTransaction(s -> s.find(Item.class, 1L).setName("v2")); // committed; its completion is queued
        for (int i = 0; i < 3; i++) {
          long hitsBefore = hits(nodes.b);
          assertEquals("v2", name(nodes.b), "B never serves v1 after A's commit returned");
          assertEquals(hitsBefore, hits(nodes.b), "a miss: A's soft lock is still there, and B's load is not cached");
          assertEquals(List.of("v2"), names(nodes.b), "A's writer lease keeps the cached result from being served");
        }
      } finally {
        release.run();
      }
      Completions.await(nodes.a);
      assertEquals("v2", name(nodes.b));
      long after = hits(nodes.b);
      assertEquals("v2", name(nodes.b));
      assertEquals(after + 1, hits(nodes.b), "once the completion landed, v2 is served from the cache");

      // the writer's own node: its next read of the key settles the pending completion first, and hits
      Runnable releaseAgain = a.holdCompletions();
      nodes.a.inTransaction(s -> s.find(Item.class, 1L).setName("v3"));
      long aHits = hits(nodes.a);
      assertEquals("v3", name(nodes.a), "A reads its own write");
      assertEquals(aHits + 1, hits(nodes.a), "from the cache: the read ran A's queued completion first");
      releaseAgain.run();
    }
  }
}
