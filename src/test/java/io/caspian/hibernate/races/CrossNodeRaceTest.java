package io.caspian.hibernate.races;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import org.hibernate.cache.spi.entry.StandardCacheEntryImpl;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cross-JVM races of Hibernate's read-write protocol (issue 3, R1–R5), each interleaved exactly: one node is
 * paused between the read and the write of its cache read-modify-write while the other node acts. memcached and H2
 * are real. Each race runs against Caspian, which must keep the cache correct, and against stock hibernate-jcache
 * over the same JCache provider, which must show the loss — the proof that each test can fail.
 */
class CrossNodeRaceTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  private static String databaseName(SessionFactory node) {
    return node.fromTransaction(s -> {
      s.setCacheMode(CacheMode.IGNORE);
      return (String) s.createNativeQuery("select name from Item where id = 1", String.class).getSingleResult();
    });
  }

  private static String servedName(SessionFactory node) {
    return node.fromTransaction(s -> s.find(Item.class, 1L).getName());
  }

  /**
   * The name in the cached entry, as a transaction would be served it. Stock stamps entries with a coarse local
   * clock and serves an entry only to transactions that began strictly later, so this waits (boundedly) for the
   * clock to move on; it reads through the access strategy, which, unlike a find, never repairs the entry.
   */
  private static String cachedName(SessionFactory node) {
    EntityDataAccess access = RaceNodes.access(node);
    Object key = RaceNodes.key(node, 1L);
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (SharedSessionContractImplementor s = RaceNodes.session(node)) {
        if (access.get(s, key) instanceof StandardCacheEntryImpl entry) {
          return (String) entry.getDisassembledState()[1];
        }
      }
      Thread.onSpinWait();
    }
    return null;
  }

  /** R1: a load read before another node's update is put after that update committed. */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void r1StaleLoadMustNotOverwriteANewerUpdate(Kind kind) {
    try (RaceNodes nodes = new RaceNodes(kind, memcached.addresses())) {
      nodes.a.inTransaction(s -> s.persist(new Item(1L, "c1", "v1")));
      nodes.a.getCache().evictEntityData(Item.class);
      // node B reads v1 from the database and pauses before caching it. Stock's reads before its putFromLoad are the
      // entity lookup that missed and the natural-id cache check; Caspian reads with getAll and writes with invoke.
      Thread slowLoad = nodes.paused(kind == Kind.STOCK ? 2 : 0, () -> servedName(nodes.b));
      nodes.a.inTransaction(s -> s.find(Item.class, 1L).setName("v2"));
      nodes.resume(slowLoad);
      String cachedAfterRace = kind == Kind.STOCK ? cachedName(nodes.a) : null;

      assertEquals("v2", databaseName(nodes.a));
      if (kind == Kind.CASPIAN) {
        assertEquals("v2", servedName(nodes.a), "Caspian refuses the late load");
        assertEquals("v2", servedName(nodes.b));
      } else {
        assertEquals("v1", cachedAfterRace, "stock caches the stale load over the update");
      }
    }
  }

  /**
   * R2: two lockItems read the same entry and both write a lock; one lock is lost, the loser's completion releases
   * the entry while the other writer is still in flight. Shown on the natural-id region: unversioned, so a release
   * is judged by time alone (as for collections).
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void r2ConcurrentLocksMustBothHold(Kind kind) {
    try (RaceNodes nodes = new RaceNodes(kind, memcached.addresses())) {
      nodes.a.inTransaction(s -> s.persist(new Item(1L, "c1", "v1")));
      NaturalIdDataAccess a = RaceNodes.naturalIdAccess(nodes.a);
      NaturalIdDataAccess b = RaceNodes.naturalIdAccess(nodes.b);
      Object key = RaceNodes.naturalIdKey(nodes.a, "c1");
      SharedSessionContractImplementor sa = RaceNodes.session(nodes.a);
      SharedSessionContractImplementor sb = RaceNodes.session(nodes.b);
      SoftLock[] lockB = new SoftLock[1];
      Thread bLocks = nodes.paused(() -> lockB[0] = b.lockItem(sb, key, null));
      SoftLock lockA = a.lockItem(sa, key, null);
      nodes.resume(bLocks);
      b.unlockItem(sb, key, lockB[0]); // B is done (e.g. rolled back); A is still in flight

      SharedSessionContractImplementor reader = RaceNodes.session(nodes.b);
      boolean cached = b.putFromLoad(reader, key, 1L, null);
      if (kind == Kind.CASPIAN) {
        assertFalse(cached, "A's lock still holds: nothing may be cached while A is in flight");
      } else {
        assertTrue(cached, "stock lost A's lock and caches a value A's commit will make stale");
      }
      a.unlockItem(sa, key, lockA);
      close(sa, sb, reader);
    }
  }

  /** R3: afterUpdate races a new lockItem; the update's put lands last and erases the new lock. */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void r3AfterUpdateMustNotEraseANewLock(Kind kind) {
    try (RaceNodes nodes = new RaceNodes(kind, memcached.addresses())) {
      nodes.a.inTransaction(s -> s.persist(new Item(1L, "c1", "v1")));
      EntityDataAccess a = RaceNodes.access(nodes.a);
      EntityDataAccess b = RaceNodes.access(nodes.b);
      Object key = RaceNodes.key(nodes.a, 1L);
      SharedSessionContractImplementor sa = RaceNodes.session(nodes.a);
      SharedSessionContractImplementor sb = RaceNodes.session(nodes.b);
      SoftLock lockA = a.lockItem(sa, key, 0L);
      Thread aCompletes = nodes.paused(() -> a.afterUpdate(sa, key, "A's value", 1L, 0L, lockA));
      SoftLock lockB = b.lockItem(sb, key, 1L);
      nodes.resume(aCompletes);

      // B has committed its database write but not yet completed the cache: a reader must not get A's value
      SharedSessionContractImplementor reader = RaceNodes.session(nodes.a);
      Object served = a.get(reader, key);
      if (kind == Kind.CASPIAN) {
        assertNull(served, "B's lock survives A's completion");
      } else {
        assertEquals("A's value", served, "stock's completion erased B's lock");
      }
      b.afterUpdate(sb, key, "B's value", 2L, 1L, lockB);
      close(sa, sb, reader);
    }
  }

  /** R4: two unlocks of a shared lock both read multiplicity 2 and both write 1. */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void r4ConcurrentUnlocksMustBothCount(Kind kind) {
    try (RaceNodes nodes = new RaceNodes(kind, memcached.addresses())) {
      nodes.a.inTransaction(s -> s.persist(new Item(1L, "c1", "v1")));
      EntityDataAccess a = RaceNodes.access(nodes.a);
      EntityDataAccess b = RaceNodes.access(nodes.b);
      Object key = RaceNodes.key(nodes.a, 1L);
      SharedSessionContractImplementor sa = RaceNodes.session(nodes.a);
      SharedSessionContractImplementor sb = RaceNodes.session(nodes.b);
      SoftLock lockA = a.lockItem(sa, key, 0L);
      SoftLock lockB = b.lockItem(sb, key, 0L);
      Thread bUnlocks = nodes.paused(() -> b.unlockItem(sb, key, lockB));
      a.unlockItem(sa, key, lockA);
      nodes.resume(bUnlocks);

      // both writers are done: a transaction that began afterwards may cache the row again
      SharedSessionContractImplementor later = RaceNodes.session(nodes.a);
      boolean cached = a.putFromLoad(later, key, "fresh", 1L);
      if (kind == Kind.CASPIAN) {
        assertTrue(cached, "both unlocks counted: the key is cacheable at once");
      } else {
        assertFalse(cached, "stock lost an unlock: the key stays locked until the lock times out");
      }
      close(sa, sb, later);
    }
  }

  /** R5: remove() checks for a lock, then deletes — another node's lock taken in between. */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void r5RemoveMustNotDeleteAnotherNodesLock(Kind kind) {
    try (RaceNodes nodes = new RaceNodes(kind, memcached.addresses())) {
      nodes.a.inTransaction(s -> s.persist(new Item(1L, "c1", "v1")));
      EntityDataAccess a = RaceNodes.access(nodes.a);
      EntityDataAccess b = RaceNodes.access(nodes.b);
      Object key = RaceNodes.key(nodes.a, 1L);
      SharedSessionContractImplementor sa = RaceNodes.session(nodes.a);
      SharedSessionContractImplementor sb = RaceNodes.session(nodes.b);
      Thread bRemoves = nodes.paused(() -> b.remove(sb, key));
      SoftLock lockA = a.lockItem(sa, key, 0L);
      nodes.resume(bRemoves);

      SharedSessionContractImplementor reader = RaceNodes.session(nodes.b);
      boolean cached = b.putFromLoad(reader, key, "read before A commits", 0L);
      if (kind == Kind.CASPIAN) {
        assertFalse(cached, "A's lock survived the remove");
      } else {
        assertTrue(cached, "stock's remove deleted A's lock, so a stale load is cached");
        assertNotEquals(null, b.get(RaceNodes.session(nodes.b), key));
      }
      a.unlockItem(sa, key, lockA);
      close(sa, sb, reader);
    }
  }

  private static void close(SharedSessionContractImplementor... sessions) {
    for (SharedSessionContractImplementor s : sessions) {
      s.close();
    }
  }
}
