package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.hibernate.domain.Item;
import io.caspian.testing.MemcachedExtension;
import java.util.List;
import java.util.Map;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.stat.CacheRegionStatistics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Node liveness (docs/hibernate-design.md, "Node liveness"): a node that stops renewing its heartbeat (killed, or
 * paused) has its soft locks and table leases end one node timeout after its last heartbeat instead of one lock
 * timeout (60 s) after they were taken; a live node's locks are never ended early; and a node that was silent while
 * its transaction held locks locks them again before it commits, so nothing loaded meanwhile survives its commit.
 * Node A "crashes" by losing its heartbeat thread and leaving its transaction open: its JVM goes on, but for memcached
 * and node B it is exactly a node that died (its H2 row lock does not block B's read-committed reads).
 */
class NodeLivenessTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  /** Node timeout 2 s (the skew bound lowered to allow it); the lock timeout stays 60 s. */
  private static final Map<String, String> FAST = Map.of(CaspianSettings.NODE_TIMEOUT, "2",
      CaspianSettings.CLOCK_MAX_SKEW, "250", CaspianSettings.ASYNC_COMPLETION, "true");

  @BeforeEach
  void needsProvider() {
    TwoNodes.assumeProvider();
  }

  private static CaspianRegionFactory regions(SessionFactory node) {
    return TwoNodes.regions(node);
  }

  private static String servedName(SessionFactory node) {
    return TwoNodes.itemName(node, 1L);
  }

  private static CacheRegionStatistics items(SessionFactory node) {
    return node.getStatistics().getDomainDataRegionStatistics("items");
  }

  /** Node B's finds until one is served from the cache, up to {@code seconds}; how long it took, or -1. */
  private static double secondsUntilCached(SessionFactory node, double seconds, String expected) {
    long start = System.nanoTime();
    while (System.nanoTime() - start < seconds * 1e9) {
      long hits = items(node).getHitCount();
      assertEquals(expected, servedName(node));
      if (items(node).getHitCount() > hits) {
        return (System.nanoTime() - start) / 1e9;
      }
      sleep(100);
    }
    return -1;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A transaction of A that updated item 1 and flushed (so holds its soft lock), left open. */
  private static Session openUpdate(SessionFactory a, String name) {
    Session session = a.openSession();
    session.beginTransaction();
    session.find(Item.class, 1L).setName(name);
    session.flush();
    return session;
  }

  /**
   * Item 1 = v1, then A's transaction updates it to {@code name} and flushes (holding its soft lock and the table's
   * writer lease) and A's heartbeat stops, as a crash or a long pause would stop it.
   */
  private static Session lockedBySilentNode(TwoNodes nodes, String name) {
    nodes.a.inTransaction(s -> s.persist(new Item(1L, "c1", "v1")));
    Completions.await(nodes.a);
    sleep(600); // A has renewed its heartbeat since it started: B can judge it
    Session session = openUpdate(nodes.a, name);
    TwoNodes.regions(nodes.a).silenceHeartbeat();
    return session;
  }

  @Test
  void aCrashedNodesLockEndsOneNodeTimeoutAfterItsLastHeartbeat() {
    try (TwoNodes nodes = new TwoNodes(TwoNodes.CASPIAN, memcached.addresses(), FAST, FAST)) {
      Session crashed = lockedBySilentNode(nodes, "never committed");
      long start = System.nanoTime();

      double took = secondsUntilCached(nodes.b, 20, "v1");
      assertTrue(took >= 0, "B caches item 1 again once A's heartbeat has lapsed, well before the 60 s lock timeout");
      double sinceCrash = (System.nanoTime() - start) / 1e9;
      assertTrue(sinceCrash >= 1.5, "not before A's promise ran out (node timeout 2 s): " + sinceCrash + " s");
      assertTrue(regions(nodes.b).getEndedNodeLockCount() >= 1, "counted");
      crashed.getTransaction().rollback();
      crashed.close();
    }
  }

  @Test
  void aLiveNodesLockIsNeverEndedByLiveness() {
    try (TwoNodes nodes = new TwoNodes(TwoNodes.CASPIAN, memcached.addresses(), FAST, FAST)) {
      nodes.a.inTransaction(s -> s.persist(new Item(1L, "c1", "v1")));
      Completions.await(nodes.a);
      Session slow = openUpdate(nodes.a, "v2");
      long hits = items(nodes.b).getHitCount();
      long until = System.nanoTime() + 6_000_000_000L; // three node timeouts: A's heartbeat keeps its lock alive
      int reads = 0;
      while (System.nanoTime() < until) {
        assertEquals("v1", servedName(nodes.b));
        reads++;
        sleep(100);
      }
      assertEquals(hits, items(nodes.b).getHitCount(), "none of B's " + reads + " finds was served over A's lock");
      slow.getTransaction().commit();
      slow.close();
      Completions.await(nodes.a);
      assertEquals("v2", servedName(nodes.b));
      assertEquals(0, regions(nodes.a).getNodeIdentityRenewalCount());
    }
  }

  @Test
  void aNodeSilentWhileItHeldALockLocksAgainBeforeItCommits() {
    try (TwoNodes nodes = new TwoNodes(TwoNodes.CASPIAN, memcached.addresses(), FAST, FAST)) {
      Session paused = lockedBySilentNode(nodes, "v2"); // a long pause: A's promise runs out, A does not know yet
      assertTrue(secondsUntilCached(nodes.b, 20, "v1") >= 0, "B judged A ended and cached v1 over its lock");

      // A resumes and commits; its completions (the unlock that would otherwise fix the entry) are held back
      Runnable release = regions(nodes.a).holdCompletions();
      try {
        paused.getTransaction().commit();
        paused.close();
        assertEquals("v2", nodes.b.fromTransaction(s -> s.createNativeQuery(
            "select name from Item where id = 1", String.class).getSingleResult()), "A committed v2");
        for (int i = 0; i < 5; i++) {
          assertEquals("v2", servedName(nodes.b), "after A's commit returned, B is never served the v1 it cached");
        }
        assertTrue(regions(nodes.a).getNodeIdentityRenewalCount() >= 1, "A went on under a new identity");
      } finally {
        release.run();
      }
      Completions.await(nodes.a);
      assertEquals("v2", servedName(nodes.b));
      assertNotEquals(-1, secondsUntilCached(nodes.b, 10, "v2"), "and caches v2 again once A's completions land");
    }
  }

  /**
   * A heartbeat put back by someone who can write memcached (here simply one already past its promise, as an old
   * signed heartbeat replayed would be): B finds it, but A renews its heartbeat before B may conclude anything, so
   * A's lock keeps counting. Concluding from one reading would end a live writer's lock and cache the old row.
   */
  @Test
  void aHeartbeatPutBackOnceDoesNotEndALiveNode() throws Exception {
    try (TwoNodes nodes = new TwoNodes(TwoNodes.CASPIAN, memcached.addresses(), FAST, FAST)) {
      nodes.a.inTransaction(s -> s.persist(new Item(1L, "c1", "v1")));
      Completions.await(nodes.a);
      sleep(600);
      Session writer = openUpdate(nodes.a, "v2");
      CaspianRegionFactory a = regions(nodes.a);
      javax.cache.Cache<Object, Object> heartbeats = javax.cache.Caching.getCachingProvider(CaspianRegionFactory.PROVIDER)
          .getCacheManager(java.net.URI.create(a.cacheManagerUri()), CaspianRegionFactory.class.getClassLoader())
          .getCache(CaspianRegionFactory.NODES_CACHE);
      NodeLiveness.NodeKey key = new NodeLiveness.NodeKey(a.liveness().self());
      long hits = items(nodes.b).getHitCount();
      int reads = 0;
      long until = System.nanoTime() + 4_000_000_000L;
      while (System.nanoTime() < until) {
        if (reads % 5 == 0) {
          heartbeats.put(key, a.clock().now() - 4096); // put back: a promise that ran out a millisecond ago
        }
        assertEquals("v1", servedName(nodes.b));
        reads++;
        sleep(100);
      }
      assertEquals(hits, items(nodes.b).getHitCount(), "none of B's " + reads + " finds was served over the lock of"
          + " A, whose heartbeat was put back every 0.5 s but which renewed it itself");
      writer.getTransaction().commit();
      writer.close();
      Completions.await(nodes.a);
      assertEquals("v2", servedName(nodes.b));
    }
  }

  @Test
  void aCrashedWritersTableLeaseEndsWithItsNode() {
    try (TwoNodes nodes = new TwoNodes(TwoNodes.CASPIAN, memcached.addresses(), FAST, FAST)) {
      Session crashed = lockedBySilentNode(nodes, "never committed"); // the flush pre-invalidated table Item
      long start = System.nanoTime();
      double took = -1;
      while (System.nanoTime() - start < 20e9) {
        long hits = nodes.b.getStatistics().getQueryCacheHitCount();
        assertEquals(List.of("v1"), query(nodes.b));
        if (nodes.b.getStatistics().getQueryCacheHitCount() > hits) {
          took = (System.nanoTime() - start) / 1e9;
          break;
        }
        sleep(100);
      }
      assertTrue(took >= 1.5, "B's query results over table Item are cached again once A's lease ended (took "
          + took + " s), not after the 60 s lock timeout, and not before A's promise ran out");
      crashed.getTransaction().rollback();
      crashed.close();
    }
  }

  private static List<String> query(SessionFactory node) {
    return node.fromTransaction(s -> s.createSelectionQuery("select i.name from Item i", String.class)
        .setCacheable(true).getResultList());
  }
}
