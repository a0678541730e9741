package io.caspian.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.caspian.testing.MemcachedExtension;
import java.net.URI;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "The default URI" with properties that name servers or a namespace (what Spring Boot asks for when
 * {@code spring.cache.jcache.config} is unset, passing each context's {@code caspian.*} keys): callers with different
 * settings must not share a manager, or the second one's namespace is silently the first one's.
 */
class DefaultUriTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  private static Properties settings(String namespace) {
    Properties p = new Properties();
    p.setProperty("caspian.memcached.servers", memcached.addresses());
    p.setProperty("caspian.namespace", namespace);
    return p;
  }

  @Test
  void differentSettingsForTheDefaultUriGetManagersOfTheirOwn() {
    CachingProvider provider = Caching.getCachingProvider(CaspianCachingProvider.class.getName());
    String suffix = Long.toString(System.nanoTime());
    CacheManager one = provider.getCacheManager(null, null, settings("one" + suffix));
    CacheManager two = provider.getCacheManager(null, null, settings("two" + suffix));
    try {
      assertNotSame(one, two);
      assertEquals(URI.create("memcached://" + memcached.addresses() + "/one" + suffix), one.getURI());
      assertSame(one, provider.getCacheManager(null, null, settings("one" + suffix)), "same settings, same manager");
      Cache<String, String> a = one.createCache("c", new MutableConfiguration<String, String>());
      Cache<String, String> b = two.createCache("c", new MutableConfiguration<String, String>());
      a.put("k", "from one");
      assertNull(b.get("k"), "namespaces apart");
      assertEquals("from one", a.get("k"));
    } finally {
      one.close();
      two.close();
    }
  }
}
