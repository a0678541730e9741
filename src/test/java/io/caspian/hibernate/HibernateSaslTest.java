package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.hibernate.domain.Item;
import io.caspian.testing.MemcachedExtension;
import java.util.List;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The region factory against a real {@code memcached -S} (PLAIN, its own sasldb) through
 * {@code hibernate.cache.caspian.sasl.*}: with the right credentials entities, natural ids and query results are
 * cached and served, and region evictions (epochs, no key listing, which SASL rules out) work; with wrong ones the
 * SessionFactory does not start, and says why.
 */
class HibernateSaslTest {
  private static final String USER = "orm";
  private static final String PASSWORD = "0rm-Pa55word";

  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.sasl(USER, PASSWORD);

  @BeforeEach
  void assumeProvider() {
    TwoNodes.assumeProvider();
  }

  private static SessionFactory build(String user, String password) {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    return TwoNodes.caspian(id, memcached.server().address(), "t" + id, Item.class)
        .setProperty("hibernate.cache.use_query_cache", "true")
        .setProperty(CaspianSettings.TIMEOUT, "500")
        .setProperty(CaspianSettings.SASL_USERNAME, user)
        .setProperty(CaspianSettings.SASL_PASSWORD, password)
        .buildSessionFactory();
  }

  private static long hits(SessionFactory factory) {
    return factory.getStatistics().getSecondLevelCacheHitCount();
  }

  @Test
  void entitiesNaturalIdsAndQueriesAreCachedAndEvictedUnderSasl() throws Exception {
    long refusedBefore = memcached.server().stats().get("auth_errors");
    try (SessionFactory factory = build(USER, PASSWORD)) {
      factory.inTransaction(s -> s.persist(new Item(1L, "c1", "first")));
      Completions.await(factory);
      assertEquals("first", factory.fromTransaction(s -> s.find(Item.class, 1L)).getName());
      long before = hits(factory);
      assertEquals("first", factory.fromTransaction(s -> s.find(Item.class, 1L)).getName());
      assertEquals(before + 1, hits(factory), "the second read is a cache hit");
      assertTrue(factory.getCache().containsEntity(Item.class, 1L));

      assertNotNull(factory.fromTransaction(s -> s.bySimpleNaturalId(Item.class).load("c1")));
      String hql = "select i.name from Item i order by i.id";
      assertEquals(List.of("first"),
          factory.fromTransaction(s -> s.createQuery(hql, String.class).setCacheable(true).list()));
      long queryHits = factory.getStatistics().getQueryCacheHitCount();
      factory.fromTransaction(s -> s.createQuery(hql, String.class).setCacheable(true).list());
      assertEquals(queryHits + 1, factory.getStatistics().getQueryCacheHitCount(), "cached result served");

      // region eviction is an epoch increment: no key listing, so it works under SASL
      factory.getCache().evictEntityData(Item.class);
      assertFalse(factory.getCache().containsEntity(Item.class, 1L), "evicted");
      factory.getCache().evictAllRegions();
      factory.getCache().evictQueryRegions();
      long misses = factory.getStatistics().getSecondLevelCacheMissCount();
      assertEquals("first", factory.fromTransaction(s -> s.find(Item.class, 1L)).getName());
      assertEquals(misses + 1, factory.getStatistics().getSecondLevelCacheMissCount(), "a miss after the eviction");
      long afterEviction = hits(factory);
      assertEquals("first", factory.fromTransaction(s -> s.find(Item.class, 1L)).getName());
      assertEquals(afterEviction + 1, hits(factory), "cached again");

      factory.inTransaction(s -> s.find(Item.class, 1L).setName("second"));
      Completions.await(factory);
      assertEquals("second", factory.fromTransaction(s -> s.find(Item.class, 1L)).getName());
    }
    assertEquals(refusedBefore, memcached.server().stats().get("auth_errors"), "no refused authentication");
    assertTrue(memcached.server().stats().get("cmd_set") > 0, "the region factory wrote to the SASL server");
  }

  @Test
  void wrongPasswordStopsTheSessionFactoryFromStartingAndSaysWhy() {
    RuntimeException e = assertThrows(RuntimeException.class, () -> build(USER, "not-the-password"));
    String expected = "SASL authentication failed for user " + USER + " on " + memcached.server().address();
    boolean found = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      found |= message.contains(expected);
      assertFalse(message.contains("not-the-password"), "the password leaked: " + message);
    }
    assertTrue(found, "no cause says '" + expected + "': " + e);
    assertTrue(e.getMessage().contains(expected), "Hibernate's own message says it too: " + e.getMessage());
  }
}
