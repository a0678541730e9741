package io.caspian.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.memcached.KeyEncoder;
import io.caspian.memcached.Memcached;
import io.caspian.memcached.codec.ValueCodec;
import io.caspian.testing.MemcachedExtension;
import java.io.Serializable;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Entries in the compact layout ({@code 'K'}) on a real memcached: items written by earlier versions ({@code 'J'},
 * Java serialization) still read, memcached keys did not move, and iteration decodes the compactly stored keys.
 */
class CompactEntryTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  record OrderKey(String region, long number) implements Serializable {}

  private static CacheManager manager(String namespace) {
    Properties properties = new Properties();
    properties.setProperty("caspian.serialization.allow", "io.caspian.jcache.*");
    return new CaspianCachingProvider().getCacheManager(
        URI.create("memcached://" + memcached.addresses() + "/" + namespace), null, properties);
  }

  private static String namespace() {
    return "compact" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  }

  @Test
  void anItemWrittenByAnEarlierVersionStillReads() {
    String namespace = namespace();
    try (CacheManager manager = manager(namespace)) {
      Cache<String, Object> cache = manager.createCache("c", new MutableConfiguration<>());
      ValueCodec codec = new ValueCodec("", 0, 1_000_000);
      byte[] key = codec.encodeSerialized("old");
      byte[] value = codec.encodeSerialized(new BigDecimal("12.50"));
      assertEquals(1, value[0], "tag 1, as earlier versions wrote");
      byte[] legacy = ByteBuffer.allocate(1 + 8 + 4 + key.length + value.length)
          .put((byte) 'J').putLong(StoredEntry.ETERNAL).putInt(key.length).put(key).put(value).array();
      String memcachedKey = new KeyEncoder(namespace).encode(new KeyEncoder(namespace).cachePrefix("c"), "old",
          k -> null);
      manager.unwrap(Memcached.class).set(memcachedKey, 0, legacy);
      assertEquals(new BigDecimal("12.50"), cache.get("old"));
      assertEquals("old", cache.iterator().next().getKey(), "its key decodes too");
    }
  }

  @Test
  void memcachedKeysOfObjectKeysAreUnchangedAndIterationReturnsTheKeys() {
    String namespace = namespace();
    try (CacheManager manager = manager(namespace)) {
      Cache<Object, Object> cache = manager.createCache("c", new MutableConfiguration<>());
      OrderKey key = new OrderKey("eu", 42);
      cache.put(key, "order");
      cache.put(UUID.nameUUIDFromBytes(new byte[] {1}), new Serializable[] {"a", 1});
      cache.put(new BigDecimal("7.0"), 7L);
      KeyEncoder encoder = new KeyEncoder(namespace);
      ValueCodec javaOnly = new ValueCodec("", 16 * 1024, 1_000_000);
      String memcachedKey = encoder.encode(encoder.cachePrefix("c"), key, javaOnly::encodeSerialized);
      byte[] item = manager.unwrap(Memcached.class).get(memcachedKey);
      assertNotNull(item, "the memcached key is the hash of the key's Java serialization, as before");
      assertEquals('K', item[0]);
      byte[] small = manager.unwrap(Memcached.class).get(encoder.encode(encoder.cachePrefix("c"),
          UUID.nameUUIDFromBytes(new byte[] {1}), k -> null));
      // 'K', eternal deadline, key length, UUID key (1 + 1 + 16), Serializable[] {"a", 1} (tag, array, count,
      // "a" in 3, 1 in 2)
      assertEquals(1 + 1 + 1 + 18 + 8, small.length);
      Map<Object, Object> all = new HashMap<>();
      cache.forEach(e -> all.put(e.getKey(), e.getValue()));
      assertEquals(3, all.size());
      assertEquals("order", all.get(key));
      assertEquals(7L, all.get(new BigDecimal("7.0")));
      assertEquals("a", ((Serializable[]) all.get(UUID.nameUUIDFromBytes(new byte[] {1})))[0]);
    }
  }
}
