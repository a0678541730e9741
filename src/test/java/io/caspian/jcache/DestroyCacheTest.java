package io.caspian.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.caspian.testing.MemcachedExtension;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DestroyCacheTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  @Test
  void destroyedCacheComesBackEmpty() {
    CacheManager manager = Caching.getCachingProvider(CaspianCachingProvider.class.getName())
        .getCacheManager(URI.create("memcached://" + memcached.addresses() + "/destroy"), null);
    try {
      for (int round = 0; round < 100; round++) {
        Cache<Integer, String> cache = manager.createCache("c", new MutableConfiguration<Integer, String>()
            .setTypes(Integer.class, String.class));
        Map<Integer, String> before = cache.getAll(Set.of(1, 2, 3, 4));
        assertEquals(Map.of(), before, "round " + round);
        cache.putAll(Map.of(1, "a", 2, "b", 3, "c"));
        cache.put(4, "d");
        manager.destroyCache("c");
      }
    } finally {
      manager.close();
    }
  }
}
