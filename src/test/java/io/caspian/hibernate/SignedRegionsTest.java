package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.hibernate.domain.Item;
import io.caspian.memcached.Memcached;
import io.caspian.memcached.MemcachedSettings;
import io.caspian.testing.MemcachedExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hibernate regions with signed values ({@code hibernate.cache.caspian.security.key}), attacked by a client that
 * can write to memcached: whatever it plants or shuffles, nodes read the database's truth, count the tampered
 * items, and cache again afterwards.
 */
class SignedRegionsTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(2);

  private static final String KEY = CaspianSettings.PREFIX + "security.key";
  private static final String PREVIOUS = CaspianSettings.PREFIX + "security.previous-key";
  private static final String SECRET = "signed-regions-secret-0123456789";

  @BeforeEach
  void needsProvider() {
    TwoNodes.assumeProvider();
  }

  private static long hits(SessionFactory factory) {
    return factory.getStatistics().getSecondLevelCacheHitCount();
  }

  private static CaspianRegionFactory factory(SessionFactory sessionFactory) {
    return (CaspianRegionFactory) sessionFactory.unwrap(org.hibernate.engine.spi.SessionFactoryImplementor.class)
        .getCache().getRegionFactory();
  }

  @Test
  void signedNodesShareEntriesAndShuffledItemsAreReadFromTheDatabase() {
    try (TwoNodes nodes = new TwoNodes(TwoNodes.CASPIAN, memcached.addresses(), Map.of(KEY, SECRET),
        Map.of(KEY, SECRET));
        Memcached attacker = new Memcached(MemcachedSettings.builder().servers(memcached.addresses()).build())) {
      nodes.a.inTransaction(s -> {
        s.persist(new Item(1L, "c1", "one"));
        s.persist(new Item(2L, "c2", "two"));
      });
      Completions.await(nodes.a);
      readBoth(nodes.b);
      long before = hits(nodes.b);
      readBoth(nodes.b);
      assertEquals(before + 2, hits(nodes.b), "B hits what it cached, signed");
      assertEquals(0, factory(nodes.b).getTamperedValueCount());

      // the attacker swaps the two entities' entries: valid signatures, wrong keys. Unchecked, B would read item 1
      // as "two" and item 2 as "one"
      List<String> entityKeys = new ArrayList<>();
      for (String k : attacker.keys(nodes.namespace + ":items:x:CaspianCacheKey:")) {
        entityKeys.add(k);
      }
      assertEquals(2, entityKeys.size(), entityKeys.toString());
      byte[] first = attacker.get(entityKeys.get(0));
      attacker.set(entityKeys.get(0), 0, attacker.get(entityKeys.get(1)));
      attacker.set(entityKeys.get(1), 0, first);

      long beforeAttack = hits(nodes.b);
      readBoth(nodes.b); // the database's truth, whatever memcached now says
      assertEquals(beforeAttack, hits(nodes.b), "no swapped entry is served");
      long tampered = factory(nodes.b).getTamperedValueCount();
      assertTrue(tampered >= 2, "both swapped entries were counted (each read of them counts): " + tampered);

      // a forged item belongs to nobody: the loads replaced them, and the region serves hits again
      readBoth(nodes.b);
      assertEquals(beforeAttack + 2, hits(nodes.b), "the loads replaced the forged items");
      assertEquals(tampered, factory(nodes.b).getTamperedValueCount(), "nothing forged left");
    }
  }

  @Test
  void aRotationReadsThePreviousSecretAndANodeWithAnotherSecretSharesNothing() {
    String next = "the-next-secret-0123456789abcdef";
    try (TwoNodes nodes = new TwoNodes(TwoNodes.CASPIAN, memcached.addresses(), Map.of(KEY, SECRET),
        Map.of(KEY, next, PREVIOUS, SECRET))) {
      nodes.a.inTransaction(s -> s.persist(new Item(1L, "c1", "one")));
      Completions.await(nodes.a);
      nodes.a.fromTransaction(s -> s.find(Item.class, 1L)); // A (old secret) caches the entity
      long before = hits(nodes.b);
      assertEquals("one", nodes.b.fromTransaction(s -> s.find(Item.class, 1L)).getName());
      assertEquals(before + 1, hits(nodes.b), "B, rotating, reads what A signed with the previous secret");
    }
    try (TwoNodes nodes = new TwoNodes(TwoNodes.CASPIAN, memcached.addresses(), Map.of(KEY, SECRET),
        Map.of(KEY, next))) {
      nodes.a.inTransaction(s -> s.persist(new Item(1L, "c1", "one")));
      Completions.await(nodes.a);
      nodes.a.fromTransaction(s -> s.find(Item.class, 1L));
      long before = hits(nodes.b);
      assertEquals("one", nodes.b.fromTransaction(s -> s.find(Item.class, 1L)).getName());
      assertEquals(before, hits(nodes.b), "B does not trust what a secret it does not know signed");
      assertTrue(factory(nodes.b).getTamperedValueCount() > 0);
    }
  }

  private static void readBoth(SessionFactory factory) {
    assertEquals("one", factory.fromTransaction(s -> s.find(Item.class, 1L)).getName());
    assertEquals("two", factory.fromTransaction(s -> s.find(Item.class, 2L)).getName());
  }
}
