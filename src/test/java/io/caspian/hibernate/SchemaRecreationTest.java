package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.caspian.hibernate.domain.Item;
import io.caspian.testing.MemcachedExtension;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A test suite run twice with {@code hbm2ddl.auto=create-drop}: the second run's database is new and empty, but
 * memcached still holds the first run's entries. They must not be served (nor merged against).
 */
class SchemaRecreationTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  @BeforeEach
  void needsProvider() {
    TwoNodes.assumeProvider();
  }

  private static SessionFactory start(String id, String schemaAction) {
    return TwoNodes.caspian(id, memcached.addresses(), "schema" + id, Item.class)
        .setProperty("hibernate.hbm2ddl.auto", schemaAction)
        .buildSessionFactory();
  }

  @Test
  void aRecreatedSchemaNeverMeetsThePreviousRunsEntries() {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    try (SessionFactory first = start(id, "create-drop")) {
      first.inTransaction(s -> s.persist(new Item(1L, "c1", "from the first run")));
      Completions.await(first);
      assertEquals("from the first run", first.fromTransaction(s -> s.find(Item.class, 1L)).getName());
    }
    try (SessionFactory second = start(id, "create-drop")) {
      assertNull(second.fromTransaction(s -> s.find(Item.class, 1L)), "the new database is empty");
      second.inTransaction(s -> s.persist(new Item(1L, "c1", "second run")));
      Completions.await(second);
      assertEquals("second run", second.fromTransaction(s -> s.find(Item.class, 1L)).getName());
    }
  }

  @Test
  void anUpdatedSchemaKeepsItsEntries() {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    try (SessionFactory first = start(id, "update")) {
      first.inTransaction(s -> s.persist(new Item(1L, "c1", "kept")));
      Completions.await(first);
      first.fromTransaction(s -> s.find(Item.class, 1L));
    }
    try (SessionFactory second = start(id, "update")) {
      long hits = second.getStatistics().getSecondLevelCacheHitCount();
      assertEquals("kept", second.fromTransaction(s -> s.find(Item.class, 1L)).getName());
      assertEquals(hits + 1, second.getStatistics().getSecondLevelCacheHitCount(), "no eviction without recreation");
    }
  }
}
