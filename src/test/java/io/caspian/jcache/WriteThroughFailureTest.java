package io.caspian.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.caspian.testing.MemcachedExtension;
import java.net.URI;
import java.util.Collection;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A failing writer leaves the cache as it was, for every conditional operation too (the TCK checks only some). */
class WriteThroughFailureTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  /** Fails every write and delete. */
  public static final class FailingWriter implements CacheWriter<String, String> {
    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      throw new IllegalStateException("store down");
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
      throw new IllegalStateException("store down");
    }

    @Override
    public void delete(Object key) {
      throw new IllegalStateException("store down");
    }

    @Override
    public void deleteAll(Collection<?> keys) {
      throw new IllegalStateException("store down");
    }
  }

  private static CacheManager manager;
  private static Cache<String, String> plain;
  private static Cache<String, String> failing;

  @BeforeAll
  static void setUp() {
    manager = new CaspianCachingProvider().getCacheManager(
        URI.create("memcached://" + memcached.addresses() + "/writer"), null);
    plain = manager.createCache("w", new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    // a second manager-less view of the same entries, with a writer that always fails
    failing = new CaspianCachingProvider().getCacheManager(
        URI.create("memcached://" + memcached.addresses() + "/writer"), new ClassLoader() {}).createCache("w",
        new MutableConfiguration<String, String>().setTypes(String.class, String.class).setWriteThrough(true)
            .setCacheWriterFactory(FactoryBuilder.factoryOf(FailingWriter.class)));
  }

  @AfterAll
  static void tearDown() {
    failing.getCacheManager().close();
    manager.close();
  }

  @Test
  void failedWriteChangesNothing() {
    plain.put("k", "old");
    assertThrows(CacheWriterException.class, () -> failing.replace("k", "new"));
    assertThrows(CacheWriterException.class, () -> failing.replace("k", "old", "new"));
    assertThrows(CacheWriterException.class, () -> failing.getAndReplace("k", "new"));
    assertThrows(CacheWriterException.class, () -> failing.put("k", "new"));
    assertThrows(CacheWriterException.class, () -> failing.invoke("k", (e, a) -> {
      e.setValue("new");
      return null;
    }));
    assertEquals("old", plain.get("k"));
    assertThrows(CacheWriterException.class, () -> failing.remove("k", "old"));
    assertThrows(CacheWriterException.class, () -> failing.invoke("k", (e, a) -> {
      e.remove();
      return null;
    }));
    assertEquals("old", plain.get("k"));
    plain.remove("absent");
    assertThrows(CacheWriterException.class, () -> failing.putIfAbsent("absent", "v"));
    assertFalse(plain.containsKey("absent"));
  }
}
