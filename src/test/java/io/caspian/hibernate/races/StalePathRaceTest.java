package io.caspian.hibernate.races;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.hibernate.domain.Item;
import io.caspian.hibernate.races.RaceNodes.Kind;
import io.caspian.testing.MemcachedExtension;
import org.hibernate.CacheMode;
import org.hibernate.SessionFactory;
import org.hibernate.cache.spi.access.EntityDataAccess;
import org.hibernate.cache.spi.access.NaturalIdDataAccess;
import org.hibernate.cache.spi.access.SoftLock;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The stale-data paths of issue 8 (R6–R11), each interleaved exactly on two nodes sharing one memcached and one H2.
 * A "reader" session opened before a change stands for a transaction that read the database before that change
 * committed and tries to cache what it read only afterwards. Each failed on Caspian before the fix; where stock
 * hibernate-jcache has the same path, it runs too and must show the loss, so the test is known to be able to fail.
 */
class StalePathRaceTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  /**
   * R6: an explicit per-id eviction (what applications do after a native SQL update) while another node's writer
   * holds the soft lock. A plain delete erases the lock, so a load read before the writer's commit is cached.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void r6ExplicitEvictionMustNotEraseALock(Kind kind) {
    try (RaceNodes nodes = new RaceNodes(kind, memcached.addresses())) {
      nodes.a.inTransaction(s -> s.persist(new Item(1L, "c1", "v1")));
      EntityDataAccess a = RaceNodes.access(nodes.a);
      EntityDataAccess b = RaceNodes.access(nodes.b);
      Object key = RaceNodes.key(nodes.a, 1L);
      try (SharedSessionContractImplementor reader = RaceNodes.session(nodes.b);
          SharedSessionContractImplementor writer = RaceNodes.session(nodes.a)) {
        SoftLock lock = a.lockItem(writer, key, 0L);
        nodes.b.getCache().evictEntityData(Item.class, 1L);
        boolean cached = b.putFromLoad(reader, key, "v1 read before A's commit", 0L);
        if (kind == Kind.CASPIAN) {
          assertFalse(cached, "A's lock survives the eviction: the load is refused");
        } else {
          assertTrue(cached, "stock's eviction deletes A's lock: the stale load is cached");
        }
        a.unlockItem(writer, key, lock);
      }
    }
  }

  /**
   * R6b: the eviction after a native SQL update that Hibernate knows nothing about (no lock at all). A plain delete
   * lets a load that read the row before the update be cached after the eviction; a tombstone does not, and a
   * transaction that began after the eviction caches again at once.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void r6EvictionAfterNativeUpdateRefusesOlderLoads(Kind kind) throws InterruptedException {
    try (RaceNodes nodes = new RaceNodes(kind, memcached.addresses())) {
      nodes.a.inTransaction(s -> s.persist(new Item(1L, "c1", "v1")));
      EntityDataAccess b = RaceNodes.access(nodes.b);
      Object key = RaceNodes.key(nodes.a, 1L);
      try (SharedSessionContractImplementor reader = RaceNodes.session(nodes.b)) {
        // plain JDBC: Hibernate does not see this update, so only the application's eviction invalidates
        nodes.a.inTransaction(s -> s.doWork(c -> {
          try (var statement = c.createStatement()) {
            statement.executeUpdate("update Item set name = 'v2' where id = 1");
          }
        }));
        nodes.a.getCache().evictEntityData(Item.class, 1L);
        // as Hibernate does: the lookup that misses, then the load read before the update is put. B's reads fetch
        // the cluster clock when B has not seen it for 5 ms: wait that long so that this lookup does
        Thread.sleep(10);
        assertNull(b.get(reader, key));
        boolean cached = b.putFromLoad(reader, key, "v1 read before the native update", 0L);
        if (kind == Kind.CASPIAN) {
          assertFalse(cached, "the eviction's tombstone refuses a load older than it");
          try (SharedSessionContractImplementor later = RaceNodes.session(nodes.b)) {
            assertTrue(b.putFromLoad(later, key, "v2", 0L), "a later load is cached at once");
          }
        } else {
          assertTrue(cached, "stock caches the load read before the update");
        }
      }
    }
  }

  /**
   * R7 (path 1): memcached drops a held lock; its writer completes and finds it gone. The tombstone it leaves must
   * refuse a load that read before its commit for as long as it exists, not only until the next clock tick.
   */
  @Test
  void r7TombstoneOfALostLockProtectsByStampNotByTime() throws InterruptedException {
    try (RaceNodes nodes = new RaceNodes(Kind.CASPIAN, memcached.addresses())) {
      nodes.a.inTransaction(s -> s.persist(new Item(1L, "c1", "v1")));
      EntityDataAccess a = RaceNodes.access(nodes.a);
      EntityDataAccess b = RaceNodes.access(nodes.b);
      Object key = RaceNodes.key(nodes.a, 1L);
      try (SharedSessionContractImplementor reader = RaceNodes.session(nodes.b);
          SharedSessionContractImplementor writer = RaceNodes.session(nodes.a)) {
        SoftLock lock = a.lockItem(writer, key, 0L);
        RaceNodes.rawCache(nodes.a, "items").remove(key); // LRU or a restart drops the lock
        assertFalse(a.afterUpdate(writer, key, "v2", 1L, 0L, lock), "its lock is gone: it only releases");
        Thread.sleep(20); // well past the release stamp on every clock
        assertFalse(b.putFromLoad(reader, key, "v1 read before A's commit", 0L),
            "the tombstone still refuses a load that began before the release");
        assertNull(b.get(reader, key));
      }
    }
  }

  /**
   * R8 (path 2): a held lock is carried across a region eviction (a bulk update that touched the row after the
   * writer's update committed); the writer's late completion must only release, never publish its pre-bulk value.
   * The same holds for afterInsert.
   */
  @Test
  void r8CompletionAfterARegionEvictionOnlyReleases() {
    try (RaceNodes nodes = new RaceNodes(Kind.CASPIAN, memcached.addresses())) {
      nodes.a.inTransaction(s -> s.persist(new Item(1L, "c1", "v1")));
      EntityDataAccess a = RaceNodes.access(nodes.a);
      Object key = RaceNodes.key(nodes.a, 1L);
      Object newKey = RaceNodes.key(nodes.a, 2L);
      try (SharedSessionContractImplementor writer = RaceNodes.session(nodes.a);
          SharedSessionContractImplementor inserter = RaceNodes.session(nodes.a)) {
        SoftLock lock = a.lockItem(writer, key, 0L);
        nodes.b.getCache().evictEntityData(Item.class); // the bulk update's region eviction
        boolean published = a.afterUpdate(writer, key, "A's value from before the bulk update", 1L, 0L, lock);
        boolean inserted = a.afterInsert(inserter, newKey, "inserted before the bulk update", 0L);
        try (SharedSessionContractImplementor reader = RaceNodes.session(nodes.b)) {
          EntityDataAccess b = RaceNodes.access(nodes.b);
          assertFalse(published, "a completion older than the eviction must not publish");
          assertNull(b.get(reader, key));
          assertFalse(inserted);
          assertNull(b.get(reader, newKey));
        }
        try (SharedSessionContractImplementor later = RaceNodes.session(nodes.b)) {
          assertTrue(RaceNodes.access(nodes.b).putFromLoad(later, key, "v after", 2L), "released, not stuck");
        }
      }
    }
  }

  /**
   * R9 (path 8): a release races a region eviction: the releasing node read the epoch just before the eviction
   * stored the new one, so its tombstone lands in the evicted epoch. A load that began after the eviction's stamp
   * but before the writer's commit must still be refused.
   */
  @Test
  void r9ReleaseRacingAnEvictionStillProtects() {
    try (RaceNodes nodes = new RaceNodes(Kind.CASPIAN, memcached.addresses())) {
      nodes.a.inTransaction(s -> s.persist(new Item(1L, "c1", "v1")));
      EntityDataAccess a = RaceNodes.access(nodes.a);
      EntityDataAccess b = RaceNodes.access(nodes.b);
      Object key = RaceNodes.key(nodes.a, 1L);
      try (SharedSessionContractImplementor writer = RaceNodes.session(nodes.a)) {
        SoftLock lock = a.lockItem(writer, key, null);
        // B's eviction takes its clock stamp (an increment: no processor), then pauses before storing the new epoch
        Thread eviction = nodes.paused(() -> nodes.b.getCache().evictEntityData(Item.class));
        SharedSessionContractImplementor reader = RaceNodes.session(nodes.b); // began after the eviction's stamp
        a.unlockItem(writer, key, lock); // A committed: its release reads the old epoch
        nodes.resume(eviction);
        boolean cached = b.putFromLoad(reader, key, "read before A's commit", null);
        assertFalse(cached, "the release written into the evicted epoch still refuses older loads");
        reader.close();
      }
    }
  }

  /**
   * R10 (path 7): a natural id's resolution is evicted (not locked) when its entity is deleted; a lookup that read
   * the resolution before the delete must not be cached after it, and a later insert of the same natural id must
   * be found by every node.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void r10NaturalIdOfADeletedRowIsNotCachedAfterTheDelete(Kind kind) {
    try (RaceNodes nodes = new RaceNodes(kind, memcached.addresses())) {
      nodes.a.inTransaction(s -> s.persist(new Item(1L, "c1", "v1")));
      NaturalIdDataAccess b = RaceNodes.naturalIdAccess(nodes.b);
      Object key = RaceNodes.naturalIdKey(nodes.b, "c1");
      try (SharedSessionContractImplementor reader = RaceNodes.session(nodes.b)) {
        nodes.a.inTransaction(s -> s.remove(s.find(Item.class, 1L)));
        boolean cached = b.putFromLoad(reader, key, 1L, null);
        if (kind == Kind.STOCK) {
          assertTrue(cached, "stock caches the resolution of the deleted row");
          return;
        }
        assertFalse(cached, "the delete's eviction left a tombstone older loads cannot pass");
      }
      nodes.a.inTransaction(s -> s.persist(new Item(2L, "c1", "again")));
      for (SessionFactory node : new SessionFactory[] {nodes.a, nodes.b, nodes.a}) {
        Item found = node.fromTransaction(s -> s.bySimpleNaturalId(Item.class).load("c1"));
        assertNotNull(found, "the re-inserted natural id resolves");
        assertEquals(2L, found.getId());
      }
    }
  }

  /**
   * R11 (path 4): memcached loses a table's update-timestamps entry (LRU); a query result computed before the last
   * commit on that table must not be served again as if the table had never been written.
   */
  @Test
  void r11LostUpdateTimestampsDoNotReviveOldQueryResults() {
    try (RaceNodes nodes = new RaceNodes(Kind.CASPIAN, memcached.addresses())) {
      nodes.a.inTransaction(s -> s.persist(new Item(1L, "c1", "v1")));
      assertEquals("v1", queryName(nodes.b));
      nodes.a.inTransaction(s -> s.find(Item.class, 1L).setName("v2"));
      String[] spaces = (String[]) nodes.a.unwrap(SessionFactoryImplementor.class).getMappingMetamodel()
          .getEntityDescriptor(Item.class).getPropertySpaces();
      for (String space : spaces) {
        RaceNodes.rawCache(nodes.a, "default-update-timestamps-region").remove(space);
      }
      assertEquals("v2", queryName(nodes.b), "the result cached before the update is stale");
      assertEquals("v2", queryName(nodes.a));
    }
  }

  /**
   * R12 (path 10): an item this node cannot decode (another node's allow-list or release wrote it) used to read as
   * absent inside the CAS step, so this node's late load overwrote a newer item it could not see. Here the newer
   * item holds a class outside every node's allow-list, standing for one admitted only elsewhere.
   */
  @Test
  void r12LoadNeverOverwritesAnItemThisNodeCannotDecode() {
    try (RaceNodes nodes = new RaceNodes(Kind.CASPIAN, memcached.addresses())) {
      nodes.a.inTransaction(s -> s.persist(new Item(1L, "c1", "v1")));
      nodes.a.getCache().evictEntityData(Item.class);
      EntityDataAccess a = RaceNodes.access(nodes.a);
      EntityDataAccess b = RaceNodes.access(nodes.b);
      Object key = RaceNodes.key(nodes.a, 1L);
      try (SharedSessionContractImplementor reader = RaceNodes.session(nodes.b)) {
        try (SharedSessionContractImplementor other = RaceNodes.session(nodes.a)) {
          assertTrue(a.putFromLoad(other, key, new java.util.concurrent.atomic.AtomicLong(2), 2L),
              "the other node caches version 2 in a form this node cannot read");
        }
        assertFalse(b.putFromLoad(reader, key, "v1", 1L), "the older load must not replace what it cannot read");
      }
      try (SharedSessionContractImplementor later = RaceNodes.session(nodes.b)) {
        assertNull(b.get(later, key), "read as a miss, never as the older version");
        SoftLock lock = b.lockItem(later, key, 2L);
        b.unlockItem(later, key, lock);
      }
      try (SharedSessionContractImplementor after = RaceNodes.session(nodes.b)) {
        assertTrue(b.putFromLoad(after, key, "v3", 3L), "a writer's transitions still replace it");
      }
    }
  }

  private static String queryName(SessionFactory node) {
    return node.fromTransaction(s -> {
      s.setCacheMode(CacheMode.NORMAL);
      return s.createSelectionQuery("select i.name from Item i where i.id = 1", String.class)
          .setCacheable(true).getSingleResult();
    });
  }
}
