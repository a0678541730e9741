package io.caspian.hibernate.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.testing.MemcachedExtension;
import java.util.UUID;
import org.hibernate.CacheMode;
import org.hibernate.SessionFactory;
import org.hibernate.cache.spi.access.EntityDataAccess;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SessionImplementor;
import org.hibernate.persister.entity.EntityPersister;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A load that read the database before another node's bulk update must not be cached after that update evicted
 * the region: the eviction is a cluster timestamp, and a load from a transaction that began before it is refused in
 * the same atomic step. (Stock Hibernate clears the region and then accepts the late, stale put.)
 */
class BulkUpdateRaceTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  private SessionFactory node(String id) {
    return CoverageNodes.caspian(memcached.addresses(), "bulk" + id, "bulk" + id).buildSessionFactory();
  }

  @Test
  void loadOlderThanABulkUpdateIsNotCached() {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (SessionFactory a = node(id); SessionFactory b = node(id)) {
      a.inTransaction(s -> s.persist(new Author(1L, "before")));
      EntityPersister persister = b.unwrap(SessionFactoryImplementor.class).getMappingMetamodel()
          .getEntityDescriptor(Author.class);
      EntityDataAccess access = persister.getCacheAccessStrategy();
      Object key = access.generateCacheKey(1L, persister, b.unwrap(SessionFactoryImplementor.class), null);

      try (SessionImplementor slow = (SessionImplementor) b.openSession()) {
        // the slow transaction begins and reads the row, bypassing the cache, before A's bulk update
        slow.setCacheMode(CacheMode.IGNORE);
        slow.beginTransaction();
        assertEquals("before", slow.find(Author.class, 1L).name);

        a.inTransaction(s -> s.createMutationQuery("update Author set name = 'after'").executeUpdate());

        // only now does the slow transaction try to cache what it read
        boolean cached = access.putFromLoad(slow, key, "stale state read before the bulk update", 0L);
        slow.getTransaction().commit();
        assertFalse(cached, "a load older than the region eviction must be refused");
      }
      try (SessionImplementor fresh = (SessionImplementor) b.openSession()) {
        assertNull(access.get(fresh, key), "nothing stale in the cache");
      }
      assertEquals("after", b.fromTransaction(s -> s.find(Author.class, 1L).name));
      try (SessionImplementor later = (SessionImplementor) b.openSession()) {
        assertTrue(access.putFromLoad(later, key, "fresh", 0L) || access.get(later, key) != null,
            "a transaction that began after the eviction may cache again");
      }
    }
  }

  /**
   * Path 6 of issue 8: NONSTRICT_READ_WRITE (and READ_ONLY) puts go through Hibernate's stock access, which used to
   * skip the eviction check: a load older than a bulk update was cached after it.
   */
  @Test
  void nonStrictLoadOlderThanABulkUpdateIsNotCached() {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (SessionFactory a = node(id); SessionFactory b = node(id)) {
      a.inTransaction(s -> s.persist(new Book(1L, "before", null)));
      EntityPersister persister = b.unwrap(SessionFactoryImplementor.class).getMappingMetamodel()
          .getEntityDescriptor(Book.class);
      EntityDataAccess access = persister.getCacheAccessStrategy();
      Object key = access.generateCacheKey(1L, persister, b.unwrap(SessionFactoryImplementor.class), null);
      try (SessionImplementor slow = (SessionImplementor) b.openSession()) {
        a.inTransaction(s -> s.createMutationQuery("update Book set title = 'after'").executeUpdate());
        access.putFromLoad(slow, key, "stale state read before the bulk update", null);
        assertNull(access.get(slow, key), "a load older than the region eviction must be refused");
      }
      try (SessionImplementor later = (SessionImplementor) b.openSession()) {
        assertNull(access.get(later, key), "nothing stale in the cache");
        access.putFromLoad(later, key, "fresh", null);
        assertEquals("fresh", access.get(later, key), "a transaction that began after the eviction caches again");
      }
    }
  }

  /**
   * Path 11 of issue 8: two applications (or environments) sharing a memcached namespace but separated by
   * {@code hibernate.cache.region_prefix} must share no entity, collection or natural-id entry.
   */
  @Test
  void regionPrefixSeparatesEntityRegions() {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (SessionFactory a = CoverageNodes.caspian(memcached.addresses(), "prefixa" + id, "prefix" + id)
            .setProperty("hibernate.cache.region_prefix", "staging").buildSessionFactory();
        SessionFactory b = CoverageNodes.caspian(memcached.addresses(), "prefixb" + id, "prefix" + id)
            .setProperty("hibernate.cache.region_prefix", "production").buildSessionFactory()) {
      a.inTransaction(s -> s.persist(new Author(1L, "staging's row")));
      assertEquals("staging's row", a.fromTransaction(s -> s.find(Author.class, 1L).name));
      EntityPersister persister = b.unwrap(SessionFactoryImplementor.class).getMappingMetamodel()
          .getEntityDescriptor(Author.class);
      EntityDataAccess access = persister.getCacheAccessStrategy();
      Object key = access.generateCacheKey(1L, persister, b.unwrap(SessionFactoryImplementor.class), null);
      try (SessionImplementor s = (SessionImplementor) b.openSession()) {
        assertNull(access.get(s, key), "production must not see staging's cached row");
      }
      assertNull(b.fromTransaction(s -> s.find(Author.class, 1L)), "production's database has no such row");
    }
  }
}
