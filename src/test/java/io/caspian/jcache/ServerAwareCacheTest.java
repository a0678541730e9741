package io.caspian.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.memcached.Memcached;
import io.caspian.testing.MemcachedExtension;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.processor.EntryProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reads Caspian's Hibernate regions make beyond JSR-107, against two real memcached servers: another cache's key
 * fetched in the same multi-get, and an {@code invoke} whose processor is chosen from keys read in the same round
 * trip as the entry's own {@code gets}. Round trips are counted by the transport.
 */
class ServerAwareCacheTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(2);

  private static CacheManager manager(String namespace) {
    return new CaspianCachingProvider().getCacheManager(
        URI.create("memcached://" + memcached.addresses() + "/" + namespace), null, new java.util.Properties());
  }

  private static String namespace() {
    return "aware" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  }

  @SuppressWarnings("unchecked")
  private static ServerAwareCache<Object, Object> aware(Cache<Object, Object> cache) {
    return cache.unwrap(ServerAwareCache.class);
  }

  private static long roundTrips(CacheManager manager) {
    return manager.unwrap(Memcached.class).stats().roundTrips();
  }

  @Test
  void anotherCachesKeyComesInTheSameRoundTrip() {
    try (CacheManager manager = manager(namespace())) {
      Cache<Object, Object> region = manager.createCache("region", new MutableConfiguration<>());
      Cache<Object, Object> meta = manager.createCache("meta", new MutableConfiguration<>());
      region.put("a", 1);
      region.put("b", 2);
      meta.put("clock", 42L);
      // the same key in both caches must not be confused: the companion is told apart by its cache
      meta.put("a", "meta's a");

      Object[] seen = new Object[1];
      long before = roundTrips(manager);
      Map<Object, Object> found = aware(region).getAllReachable(Set.of("a", "b", "c"), new HashSet<>(), meta,
          "clock", value -> seen[0] = value);
      assertEquals(1, roundTrips(manager) - before, "one multi-get, both servers asked in parallel");
      assertEquals(Map.of("a", 1, "b", 2), found);
      assertEquals(42L, seen[0]);

      seen[0] = null;
      aware(region).getAllReachable(Set.of("a"), new HashSet<>(), meta, "absent", value -> seen[0] = value);
      assertNull(seen[0], "an absent companion is not reported");

      seen[0] = null;
      assertEquals(Map.of("a", 1), aware(region).getAllReachable(Set.of("a"), new HashSet<>(), meta, "a",
          value -> seen[0] = value));
      assertEquals("meta's a", seen[0]);
    }
  }

  @Test
  void aCacheOfAnotherManagerIsRefused() {
    try (CacheManager one = manager(namespace()); CacheManager two = manager(namespace())) {
      Cache<Object, Object> region = one.createCache("region", new MutableConfiguration<>());
      Cache<Object, Object> foreign = two.createCache("meta", new MutableConfiguration<>());
      assertThrows(IllegalArgumentException.class,
          () -> aware(region).getAllReachable(Set.of("a"), new HashSet<>(), foreign, "k", value -> { }));
    }
  }

  @Test
  void invokeAlongsideChoosesItsProcessorFromKeysReadWithTheEntry() {
    try (CacheManager manager = manager(namespace())) {
      Cache<Object, Object> cache = manager.createCache("c", new MutableConfiguration<>());
      cache.put("epoch-1", 5L);
      cache.put("epoch-2", 7L);
      cache.put("k", 100L);

      long before = roundTrips(manager);
      Set<Object> unreachable = new HashSet<>();
      Object result = aware(cache).invokeAlongside("k", Set.of("epoch-1", "epoch-2", "epoch-3"), unreachable,
          found -> {
            long highest = found.values().stream().mapToLong(v -> (Long) v).max().orElseThrow();
            return (EntryProcessor<Object, Object, Object>) (entry, args) -> {
              entry.setValue((Long) entry.getValue() + highest);
              return highest;
            };
          });
      assertEquals(2, roundTrips(manager) - before, "gets with the other keys, then cas");
      assertEquals(7L, result);
      assertEquals(107L, cache.get("k"));
      assertTrue(unreachable.isEmpty());
    }
  }

  /** The keys read alongside are not part of the atomic step; the entry is: a conflict runs the processor again. */
  @Test
  void aConflictRereadsTheEntryAndRunsTheSameProcessorAgain() {
    String namespace = namespace();
    try (CacheManager manager = manager(namespace); CacheManager otherJvm = manager(namespace)) {
      Cache<Object, Object> cache = manager.createCache("c", new MutableConfiguration<>());
      Cache<Object, Object> other = otherJvm.createCache("c", new MutableConfiguration<>());
      cache.put("k", 1L);
      cache.put("side", 10L);
      AtomicInteger chosen = new AtomicInteger();
      AtomicInteger runs = new AtomicInteger();
      List<Object> seen = new java.util.ArrayList<>();
      aware(cache).invokeAlongside("k", Set.of("side"), new HashSet<>(), found -> {
        chosen.incrementAndGet();
        return (EntryProcessor<Object, Object, Object>) (entry, args) -> {
          seen.add(entry.getValue());
          if (runs.incrementAndGet() == 1) {
            other.put("k", 2L); // another JVM writes between our gets and our cas
          }
          entry.setValue((Long) entry.getValue() + (Long) found.get("side"));
          return null;
        };
      });
      assertEquals(1, chosen.get(), "the processor is chosen once");
      assertEquals(List.of(1L, 2L), seen, "the retry saw the other JVM's write");
      assertEquals(12L, cache.get("k"), "and built on it: nothing lost");
    }
  }

  @Test
  void keysOfAServerThatIsDownAreReportedUnreachable() throws Exception {
    try (CacheManager manager = manager(namespace())) {
      Cache<Object, Object> cache = manager.createCache("c", new MutableConfiguration<>());
      ServerAwareCache<Object, Object> aware = aware(cache);
      int downPort = memcached.server(1).port();
      java.net.SocketAddress down = aware.servers().stream()
          .filter(a -> ((java.net.InetSocketAddress) a).getPort() == downPort).findFirst().orElseThrow();
      String onDown = null;
      String onUp = null;
      for (int i = 0; onDown == null || onUp == null; i++) {
        String key = "key" + i;
        if (aware.serverOf(key).equals(down)) {
          onDown = onDown == null ? key : onDown;
        } else {
          onUp = onUp == null ? key : onUp;
        }
      }
      cache.put(onUp, 1L);
      cache.put(onDown, 2L);
      memcached.server(1).pause();
      try {
        Set<Object> unreachable = new HashSet<>();
        Map<Object, Object> seen = new HashMap<>();
        aware.invokeAlongside(onUp, Set.of(onDown), unreachable, found -> {
          seen.putAll(found);
          return (EntryProcessor<Object, Object, Object>) (entry, args) -> entry.getValue();
        });
        assertEquals(Set.of(onDown), unreachable);
        assertTrue(seen.isEmpty());
      } finally {
        memcached.server(1).resume();
      }
    }
  }
  @Test
  void aCounterIncrementsAtomicallyInFlightWithOtherRequestsAndReadsBackAsALong() throws Exception {
    try (CacheManager manager = manager(namespace())) {
      Cache<Object, Object> meta = manager.createCache("meta", new MutableConfiguration<>());
      ServerAwareCache<Object, Object> counters = aware(meta);
      assertEquals(1000L, counters.incrementLater("n", 5, 1000).getAsLong(), "an absent counter starts at initial");
      assertEquals(1005L, counters.incrementLater("n", 5, 1000).getAsLong());
      assertEquals(1005L, meta.get("n"), "a counter reads back through get");

      // 4 threads x 200 increments of 1: atomic across clients, so nothing is lost
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
      java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < 200; i++) {
            counters.incrementLater("n", 1, 0).getAsLong();
          }
        }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
      assertEquals(1805L, meta.get("n"));

      // issued before a multi-get and awaited after it: the two cost one round trip
      long before = roundTrips(manager);
      java.util.function.LongSupplier pending = counters.incrementLater("n", 1, 0);
      meta.getAll(Set.of("x", "y"));
      assertEquals(1806L, pending.getAsLong());
      assertEquals(1, roundTrips(manager) - before, "an increment in flight with a read adds no round trip");

      // an entry written under the key (an old format, or anyone on memcached's network) becomes a counter again
      long undecodable = manager.unwrap(Memcached.class).stats().undecodable();
      meta.put("n", "not a number");
      assertEquals(7L, counters.incrementLater("n", 3, 7).getAsLong());
      assertEquals(undecodable + 1, manager.unwrap(Memcached.class).stats().undecodable(), "counted");
      assertEquals(10L, counters.incrementLater("n", 3, 7).getAsLong());
    }
  }
}
