package io.caspian.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.testing.MemcachedExtension;
import java.io.Serializable;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input and faults against real memcached: the cache fails clearly and boundedly, and never serves stale data. */
class FaultToleranceTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(2);

  static final AtomicInteger GADGETS = new AtomicInteger();

  /** A value class whose instantiation by deserialization we can count. */
  public static final class Gadget implements Serializable {
    private static final long serialVersionUID = 1L;

    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
      in.defaultReadObject();
      GADGETS.incrementAndGet();
    }
  }

  /** Not serializable. */
  static final class Opaque {}

  private final CaspianCachingProvider provider = new CaspianCachingProvider();

  @AfterEach
  void closeAll() {
    provider.close();
  }

  private CacheManager manager(String servers, String namespace, Properties props) {
    return provider.getCacheManager(URI.create("memcached://" + servers + "/" + namespace),
        new ClassLoader(getClass().getClassLoader()) {}, props);
  }

  private Cache<Object, Object> cache(CacheManager manager, String name) {
    Cache<Object, Object> cache = manager.getCache(name);
    return cache != null ? cache : manager.createCache(name, new MutableConfiguration<>());
  }

  @Test
  void nullsAreNullPointerExceptions() {
    Cache<Object, Object> cache = cache(manager(memcached.addresses(), "faults", new Properties()), "nulls");
    assertThrows(NullPointerException.class, () -> cache.get(null));
    assertThrows(NullPointerException.class, () -> cache.put("k", null));
    assertThrows(NullPointerException.class, () -> cache.put(null, "v"));
    assertThrows(NullPointerException.class, () -> cache.invoke(null, (e, a) -> null));
  }

  @Test
  void unserializableKeyOrValueIsACacheExceptionAndLeavesTheCacheUnchanged() {
    Cache<Object, Object> cache = cache(manager(memcached.addresses(), "faults", new Properties()), "unser");
    cache.put("k", "before");
    CacheException e = assertThrows(CacheException.class, () -> cache.put("k", new Opaque()));
    assertTrue(e.getMessage().contains("not serializable"), e.getMessage());
    assertEquals("before", cache.get("k"));
    assertThrows(CacheException.class, () -> cache.put(new Opaque(), "v"));
    assertThrows(CacheException.class, () -> cache.replace("k", new Opaque()));
    assertEquals("before", cache.get("k"));
  }

  @Test
  void tooLargeValueIsNotCachedAndLeavesNothingStale() {
    CacheManager manager = manager(memcached.addresses(), "faults", new Properties());
    Cache<Object, Object> cache = cache(manager, "big");
    cache.put("k", "small");
    byte[] twoMegabytes = new byte[2 * 1024 * 1024];
    new java.util.Random(7).nextBytes(twoMegabytes); // incompressible
    cache.put("k", twoMegabytes);
    assertNull(cache.get("k"), "the old value must not survive an oversized put");
    assertTrue(cache.unwrap(CaspianCache.class).statistics().getOversizedValues() >= 1);
  }

  @Test
  void oddKeysRoundTrip() {
    Cache<Object, Object> cache = cache(manager(memcached.addresses(), "faults", new Properties()), "odd keys");
    String[] keys = {"x".repeat(1024), "ünïcødé ключ 鍵", " leading and trailing ", "tab\tnew\nline", "", "a:b:c"};
    for (int i = 0; i < keys.length; i++) {
      cache.put(keys[i], i);
    }
    for (int i = 0; i < keys.length; i++) {
      assertEquals(i, cache.get(keys[i]), "key #" + i);
    }
    int iterated = 0;
    for (Cache.Entry<Object, Object> entry : cache) {
      assertEquals(java.util.List.of(keys).indexOf(entry.getKey()), entry.getValue());
      iterated++;
    }
    assertEquals(keys.length, iterated);
  }

  @Test
  void valueOfAClassOutsideTheAllowListIsAMissAndNeverInstantiated() {
    Properties writerProps = new Properties();
    writerProps.setProperty("caspian.serialization.allow", Gadget.class.getName());
    Cache<Object, Object> writer = cache(manager(memcached.addresses(), "faults-filter", writerProps), "filter");
    writer.put("g", new Gadget());
    Properties readerProps = new Properties();
    readerProps.setProperty("caspian.serialization.allow", "java.lang.Void");
    CacheManager readerManager = manager(memcached.addresses(), "faults-filter", readerProps);
    Cache<Object, Object> reader = cache(readerManager, "filter");
    int before = GADGETS.get();
    assertNull(reader.get("g"));
    assertEquals(before, GADGETS.get(), "a rejected class is never instantiated");
    assertEquals(1, reader.unwrap(CaspianCache.class).statistics().getRejectedValues());
    assertNotNull(writer.get("g"), "the allowed reader still sees it");
  }

  @Test
  void managerCreatedWhileMemcachedIsDownAndOperationsFailBoundedly() throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    Properties props = new Properties();
    props.setProperty("caspian.memcached.timeout", "200");
    CacheManager manager = manager("127.0.0.1:" + deadPort, "down", props);
    Cache<Object, Object> cache = cache(manager, "down");
    long start = System.nanoTime();
    assertThrows(CacheException.class, () -> cache.put("k", "v"));
    assertThrows(CacheException.class, () -> cache.get("k"));
    assertThrows(CacheException.class, () -> cache.invoke("k", (e, a) -> null));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis < 10_000, "operations must fail within the timeout, took " + millis + " ms");
  }

  @Test
  void killedNodeFailsItsKeysThenComesBackEmptyWithNothingStale() throws Exception {
    Properties props = new Properties();
    props.setProperty("caspian.memcached.timeout", "300");
    CacheManager manager = manager(memcached.addresses(), "kill", props);
    Cache<Object, Object> cache = cache(manager, "kill");
    for (int i = 0; i < 40; i++) {
      cache.put("k" + i, "v" + i);
    }
    memcached.server(0).kill();
    int failed = 0;
    int served = 0;
    for (int i = 0; i < 40; i++) {
      try {
        Object v = cache.get("k" + i);
        assertEquals("v" + i, v, "keys on the live node are still served");
        served++;
      } catch (CacheException e) {
        failed++;
      }
    }
    assertTrue(failed > 0 && served > 0, "Ketama spreads 40 keys over both nodes: " + failed + "/" + served);
    memcached.server(0).restart();
    long deadline = System.nanoTime() + 20_000_000_000L;
    boolean recovered = false;
    while (!recovered && System.nanoTime() < deadline) {
      try {
        int missing = 0;
        for (int i = 0; i < 40; i++) {
          Object v = cache.get("k" + i);
          if (v == null) {
            missing++;
          } else {
            assertEquals("v" + i, v);
          }
        }
        assertEquals(failed, missing, "exactly the keys of the restarted node are gone");
        recovered = true;
      } catch (CacheException stillReconnecting) {
        Thread.sleep(100);
      }
    }
    assertTrue(recovered, "the client reconnects to the restarted node");
    cache.put("k0", "new");
    assertEquals("new", cache.get("k0"));
    assertFalse(cache.isClosed());
  }
}
