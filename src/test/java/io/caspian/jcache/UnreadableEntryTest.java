package io.caspian.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.testing.MemcachedExtension;
import java.net.URI;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two JVMs' cache managers whose allow-lists differ: what one stores, the other cannot decode. Reads miss, and an
 * entry processor can tell such an item from an absent one ({@link CaspianMutableEntry#holdsUnreadableValue()}).
 */
class UnreadableEntryTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  private static CacheManager manager(String namespace, String allow) {
    Properties properties = new Properties();
    if (allow != null) {
      properties.setProperty("caspian.serialization.allow", allow);
    }
    return new CaspianCachingProvider().getCacheManager(
        URI.create("memcached://" + memcached.addresses() + "/" + namespace), null, properties);
  }

  @Test
  void aProcessorTellsAnUndecodableItemFromAnAbsentOne() {
    String namespace = "unreadable" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    try (CacheManager wide = manager(namespace, "java.util.concurrent.atomic.*");
        CacheManager narrow = manager(namespace, null)) {
      Cache<Object, Object> writer = wide.createCache("c", new MutableConfiguration<>());
      Cache<Object, Object> reader = narrow.createCache("c", new MutableConfiguration<>());
      writer.put("k", new AtomicLong(7));
      assertNull(reader.get("k"), "a class outside the reader's allow-list reads as a miss");

      boolean[] seen = new boolean[2];
      reader.invoke("k", (entry, args) -> {
        seen[0] = entry.exists();
        seen[1] = entry.unwrap(CaspianMutableEntry.class).holdsUnreadableValue();
        return null;
      });
      assertFalse(seen[0]);
      assertTrue(seen[1], "the processor learns that something it cannot read is stored");
      assertEquals(7L, ((AtomicLong) writer.get("k")).get(), "and, left alone, it stays");

      reader.invoke("absent", (entry, args) -> {
        seen[1] = entry.unwrap(CaspianMutableEntry.class).holdsUnreadableValue();
        return null;
      });
      assertFalse(seen[1], "an absent key holds nothing unreadable");
    }
  }
}
