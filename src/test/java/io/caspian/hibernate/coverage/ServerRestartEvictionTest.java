package io.caspian.hibernate.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.hibernate.CaspianRegionFactory;
import io.caspian.hibernate.CaspianSettings;
import io.caspian.testing.MemcachedExtension;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A memcached server of the pool restarts empty: the soft locks and tombstones it held are gone, while the region
 * epoch on the other server would still vouch for loads begun before them. So when a node's client reconnects, every
 * region is evicted before its next use: entries on the surviving server are not served any more.
 */
class ServerRestartEvictionTest {
  private static final int AUTHORS = 12;

  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(2);

  @Test
  void reconnectingToARestartedServerEvictsEveryRegion() throws Exception {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (SessionFactory a = node(id); SessionFactory b = node(id)) {
      a.inTransaction(s -> {
        for (long i = 1; i <= AUTHORS; i++) {
          s.persist(new Author(i, "a" + i));
        }
      });
      cacheAll(b);
      assertEquals(AUTHORS, hits(b), "all cached");
      // restart the server that does NOT hold the region epoch, but holds some of its entries: without the eviction
      // on reconnect, the entries on the epoch's server would still be served
      String entity = ":" + Author.class.getName() + ":";
      int victim = keys(memcached.server(0).port()).stream().anyMatch(k -> k.contains(entity + "x:EpochKey")) ? 1 : 0;
      int survivor = 1 - victim;
      assertTrue(keys(memcached.server(survivor).port()).stream().anyMatch(k -> k.contains(entity + "x:EpochKey")),
          "the region epoch is on the surviving server");
      assertTrue(keys(memcached.server(survivor).port()).stream()
          .anyMatch(k -> k.contains(entity + "x:CaspianCacheKey")), "so are some of its entries");
      memcached.server(victim).kill();
      long before = reconnects(b);
      memcached.server(victim).restart();
      awaitReconnect(b, before);
      assertEquals(0, hits(b), "after the reconnect no entry written before it is served, from either server");
      assertEquals("a1", b.fromTransaction(s -> s.find(Author.class, 1L).name));
      // the restarted server is left alone for a grace period; then the region caches again
      long deadline = System.nanoTime() + 15_000_000_000L;
      long hits = 0;
      while (hits == 0 && System.nanoTime() < deadline) {
        Thread.sleep(250);
        hits = hits(b);
      }
      assertTrue(hits > 0, "and the region caches again");
    }
  }

  private static SessionFactory node(String id) {
    return CoverageNodes.caspian(memcached.addresses(), "restart" + id, "restart" + id)
        .setProperty(CaspianSettings.TIMEOUT, "200")
        .buildSessionFactory();
  }

  private static void cacheAll(SessionFactory node) {
    for (long i = 1; i <= AUTHORS; i++) {
      long author = i;
      node.inTransaction(s -> s.find(Author.class, author));
    }
  }

  /** Reads every author once; how many reads the second-level cache answered. */
  private static long hits(SessionFactory node) {
    long before = node.getStatistics().getSecondLevelCacheHitCount();
    for (long i = 1; i <= AUTHORS; i++) {
      long author = i;
      node.inTransaction(s -> s.find(Author.class, author));
    }
    // the reads themselves re-cache misses; count only what the first pass hit
    return node.getStatistics().getSecondLevelCacheHitCount() - before;
  }

  /** The keys a server holds. */
  private static java.util.List<String> keys(int port) {
    return io.caspian.memcached.connection.KeyLister.keysOn(
        new java.net.InetSocketAddress("127.0.0.1", port), "", 2000);
  }

  private static long reconnects(SessionFactory node) {
    return ((CaspianRegionFactory) node.unwrap(SessionFactoryImplementor.class).getCache().getRegionFactory())
        .getServerRestartCount();
  }

  private static void awaitReconnect(SessionFactory node, long before) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (reconnects(node) == before && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(reconnects(node) > before, "the client reconnected to the restarted server");
  }
}
