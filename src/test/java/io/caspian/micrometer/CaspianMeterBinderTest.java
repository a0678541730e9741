package io.caspian.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.jcache.CaspianCachingProvider;
import io.caspian.jcache.ServerAwareCache;
import io.caspian.testing.MemcachedExtension;
import io.caspian.testing.MemcachedProcess;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.SocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link CaspianMeterBinder} over plain JCache managers (no Spring), against real memcached servers. */
class CaspianMeterBinderTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(2);

  private static CacheManager manager(String servers, String namespace, Properties properties) {
    return new CaspianCachingProvider().getCacheManager(
        URI.create("memcached://" + servers + "/" + namespace), null, properties);
  }

  private static double timed(MeterRegistry registry, String server) {
    return registry.get("caspian.round.trip").tag("server", server).functionTimer().count();
  }

  private static double counted(MeterRegistry registry, String name) {
    return registry.get(name).tag("client", "jcache").functionCounter().count();
  }

  @Test
  void aMultiGetIsTimedOncePerServerAsked() {
    CacheManager manager = manager(memcached.addresses(), "meters-multi-" + System.nanoTime(), new Properties());
    try {
      Cache<String, String> cache = manager.createCache("c", new MutableConfiguration<>());
      @SuppressWarnings("unchecked")
      ServerAwareCache<String, String> servers = cache.unwrap(ServerAwareCache.class);
      // keys on both servers of the pool
      Set<String> keys = new LinkedHashSet<>();
      Set<SocketAddress> holders = new HashSet<>();
      for (int i = 0; holders.size() < 2 || keys.size() < 6; i++) {
        String key = "k" + i;
        keys.add(key);
        holders.add(servers.serverOf(key));
      }
      keys.forEach(key -> cache.put(key, "v-" + key));
      MeterRegistry registry = new SimpleMeterRegistry();
      CaspianMeterBinder.of(manager).bindTo(registry);
      double roundTrips = counted(registry, "caspian.round.trips");
      Map<String, Double> before = new HashMap<>();
      for (MemcachedProcess server : memcached.servers()) {
        before.put(server.address(), timed(registry, server.address()));
      }

      Set<String> unreachable = new HashSet<>();
      assertEquals(keys.size(), servers.getAllReachable(keys, unreachable).size());
      assertTrue(unreachable.isEmpty());

      assertEquals(roundTrips + 1, counted(registry, "caspian.round.trips"), "one multi-get: one round trip");
      for (MemcachedProcess server : memcached.servers()) {
        assertEquals(before.get(server.address()) + 1, timed(registry, server.address()),
            "the multi-get asked " + server.address());
      }
    } finally {
      manager.close();
    }
  }

  @Test
  void getAllOnASingleServerIsTimed() {
    String server = memcached.server(0).address();
    CacheManager manager = manager(server, "meters-getall-" + System.nanoTime(), new Properties());
    try {
      Cache<String, String> cache = manager.createCache("c", new MutableConfiguration<>());
      cache.put("a", "1");
      cache.put("b", "2");
      MeterRegistry registry = new SimpleMeterRegistry();
      CaspianMeterBinder.of(manager).bindTo(registry);
      double before = timed(registry, server);
      assertEquals(Map.of("a", "1", "b", "2"), cache.getAll(Set.of("a", "b", "c")));
      assertEquals(before + 1, timed(registry, server));
    } finally {
      manager.close();
    }
  }

  @Test
  void failOpenSkipsAndTimeoutsAreMeters() {
    MemcachedProcess server = memcached.server(1);
    Properties properties = new Properties();
    properties.setProperty("caspian.memcached.timeout", "300");
    properties.setProperty("caspian.fail-open", "true");
    CacheManager manager = manager(server.address(), "meters-failopen-" + System.nanoTime(), properties);
    try {
      Cache<String, String> cache = manager.createCache("c", new MutableConfiguration<>());
      MeterRegistry registry = new SimpleMeterRegistry();
      CaspianMeterBinder.of(manager).bindTo(registry);
      assertEquals(0.0, counted(registry, "caspian.fail.open.skips"));
      assertEquals(0.0, counted(registry, "caspian.transport.timeouts"));
      server.pause(); // requests hang: each times out (the extension thaws it after the test)
      assertNull(cache.get("k"), "read as a miss");
      cache.put("k", "v"); // skipped
      assertEquals(2.0, counted(registry, "caspian.fail.open.skips"));
      assertTrue(counted(registry, "caspian.transport.timeouts") >= 2,
          "timed out: " + counted(registry, "caspian.transport.timeouts"));
      assertTrue(counted(registry, "caspian.transport.failures")
          >= counted(registry, "caspian.transport.timeouts"));
    } finally {
      memcached.server(1).resume();
      manager.close();
    }
  }

  @Test
  void evictionsOfAJCacheCacheAreAMeter() {
    CacheManager manager = manager(memcached.server(0).address(), "meters-ev-" + System.nanoTime(),
        new Properties());
    try {
      manager.createCache("c", new MutableConfiguration<>().setStatisticsEnabled(true));
      MeterRegistry registry = new SimpleMeterRegistry();
      CaspianMeterBinder.of(manager).bindTo(registry);
      assertEquals(0.0, registry.get("caspian.cache.evictions").tag("cache", "c").functionCounter().count());
    } finally {
      manager.close();
    }
  }
}
