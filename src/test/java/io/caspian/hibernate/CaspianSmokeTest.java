package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.hibernate.domain.Item;
import io.caspian.hibernate.domain.Ledger;
import io.caspian.testing.MemcachedExtension;
import java.util.List;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Hibernate with H2 and real memcached, two SessionFactories ("nodes") sharing both. */
class CaspianSmokeTest {
  @RegisterExtension
  static final MemcachedExtension memcached = MemcachedExtension.pool(2);

  @BeforeEach
  void needsProvider() {
    TwoNodes.assumeProvider();
  }

  private static long hits(SessionFactory factory) {
    return factory.getStatistics().getSecondLevelCacheHitCount();
  }

  @Test
  void entityCachedOnOneNodeIsReadOnTheOtherAndUpdatesPropagate() {
    try (TwoNodes nodes = new TwoNodes(TwoNodes.CASPIAN, memcached.addresses())) {
      nodes.a.inTransaction(s -> s.persist(new Item(1L, "c1", "first")));
      assertEquals("first", nodes.b.fromTransaction(s -> s.find(Item.class, 1L)).getName());
      long before = hits(nodes.b);
      assertEquals("first", nodes.b.fromTransaction(s -> s.find(Item.class, 1L)).getName());
      assertEquals(before + 1, hits(nodes.b), "second read on B is a cache hit");

      nodes.a.inTransaction(s -> s.find(Item.class, 1L).setName("second"));
      Completions.await(nodes.a); // A publishes in the background after its commit: the key is a miss until then
      long beforeUpdate = hits(nodes.b);
      assertEquals("second", nodes.b.fromTransaction(s -> s.find(Item.class, 1L)).getName());
      assertEquals(beforeUpdate + 1, hits(nodes.b), "A published its update to the cache");
    }
  }

  @Test
  void naturalIdAndQueryCacheWork() {
    try (TwoNodes nodes = new TwoNodes(TwoNodes.CASPIAN, memcached.addresses())) {
      nodes.a.inTransaction(s -> s.persist(new Item(2L, "c2", "x")));
      Completions.await(nodes.a); // A's commit record of the table: query results are stale until it lands
      assertNotNull(nodes.b.fromTransaction(s -> s.bySimpleNaturalId(Item.class).load("c2")));
      assertNotNull(nodes.b.fromTransaction(s -> s.bySimpleNaturalId(Item.class).load("c2")));

      String hql = "select i.name from Item i order by i.id";
      List<String> first = nodes.b.fromTransaction(s -> s.createQuery(hql, String.class).setCacheable(true).list());
      assertEquals(List.of("x"), first);
      long queryHits = nodes.b.getStatistics().getQueryCacheHitCount();
      nodes.b.fromTransaction(s -> s.createQuery(hql, String.class).setCacheable(true).list());
      assertEquals(queryHits + 1, nodes.b.getStatistics().getQueryCacheHitCount(), "cached result served");

      nodes.a.inTransaction(s -> s.find(Item.class, 2L).setName("y"));
      // A records its commit in the background after its transaction returned; its writer lease keeps results over
      // the table stale until then. Wait for it, so that what follows is about B's timestamps
      Completions.await(nodes.a);
      assertEquals(List.of("y"),
          nodes.b.fromTransaction(s -> s.createQuery(hql, String.class).setCacheable(true).list()),
          "A's commit makes B's cached result stale");
      // the read that found the result stale fetched the clock past A's commit, but its transaction's caching
      // timestamp was taken before (a lagging one, on the safe side), so its own result is not trusted; B's next
      // transaction caches a result that is served from then on
      nodes.b.fromTransaction(s -> s.createQuery(hql, String.class).setCacheable(true).list());
      long afterCommit = nodes.b.getStatistics().getQueryCacheHitCount();
      assertEquals(List.of("y"), nodes.b.fromTransaction(s -> s.createQuery(hql, String.class).setCacheable(true)
          .list()));
      assertEquals(afterCommit + 1, nodes.b.getStatistics().getQueryCacheHitCount(),
          "once the writer committed, new results are cacheable from B's next transaction on");
    }
  }

  @Test
  void evictionOnOneNodeEmptiesTheRegionForTheOther() {
    try (TwoNodes nodes = new TwoNodes(TwoNodes.CASPIAN, memcached.addresses())) {
      nodes.a.inTransaction(s -> s.persist(new Item(3L, "c3", "x")));
      nodes.b.fromTransaction(s -> s.find(Item.class, 3L));
      assertTrue(nodes.b.getCache().containsEntity(Item.class, 3L));
      nodes.a.getCache().evictEntityData(Item.class);
      assertTrue(!nodes.b.getCache().containsEntity(Item.class, 3L), "evicted for every node");
    }
  }

  @Test
  void transactionalIsRefusedAtBootstrapNamingTheAlternative() {
    Exception error = assertThrows(Exception.class, () -> new Configuration()
        .addAnnotatedClass(Ledger.class)
        .setProperty("hibernate.connection.url", "jdbc:h2:mem:ledger")
        .setProperty("hibernate.cache.region.factory_class", "caspian")
        .setProperty(CaspianSettings.SERVERS, memcached.addresses())
        .buildSessionFactory()
        .close());
    assertTrue(CaspianBootstrapTest.chainMentions(error, "Use READ_WRITE"), () -> CaspianBootstrapTest.describe(error));
  }
}
