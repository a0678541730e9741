package io.caspian.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.jcache.CaspianCacheManager;
import io.caspian.jcache.CaspianCachingProvider;
import io.caspian.testing.MemcachedExtension;
import io.caspian.testing.MemcachedProcess;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Spring Cache over Caspian's JCache provider through Spring Boot's own auto-configuration (whichever Boot is on
 * the class path: 4.0 by default, 3.5 with -Dspring-boot-3.5), against a real memcached.
 */
class SpringCacheTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(2);

  /** A Boot application with Spring Cache; JDBC (and so JPA) auto-configuration left out. */
  @SpringBootConfiguration
  @EnableAutoConfiguration(excludeName = {"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration"})
  @EnableCaching
  static class App {
    @Bean
    Books books() {
      return new Books();
    }
  }

  /** A cached service that counts its real calls. */
  static class Books {
    private final AtomicInteger calls = new AtomicInteger();

    public int calls() {
      return calls.get();
    }

    @Cacheable("books")
    public String title(String isbn) {
      calls.incrementAndGet();
      return "title of " + isbn;
    }
  }

  static ConfigurableApplicationContext start(String... properties) {
    List<String> all = new ArrayList<>(List.of(
        "spring.cache.jcache.provider=" + CaspianCachingProvider.class.getName(),
        "spring.cache.cache-names=books",
        "spring.main.banner-mode=off"));
    all.addAll(List.of(properties));
    // as command-line arguments: above the caspian.memcached.servers system property the test JVM may have
    return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
        .run(all.stream().map(p -> "--" + p).toArray(String[]::new));
  }

  /** What was written through Spring's CacheManager, read back by a plain Caspian manager of the same namespace. */
  private static Object readBack(String namespace, String cache, Object key) {
    javax.cache.CacheManager plain = Caching.getCachingProvider(CaspianCachingProvider.class.getName())
        .getCacheManager(URI.create("memcached://" + memcached.addresses() + "/" + namespace + "?reader"), null);
    try {
      Cache<Object, Object> c = plain.createCache(cache, new MutableConfiguration<>());
      return c.get(key);
    } finally {
      plain.close();
    }
  }

  @Test
  void serversAndNamespaceComeFromTheProperties() {
    try (ConfigurableApplicationContext context = start(
        "caspian.memcached.servers=" + memcached.addresses(), "caspian.namespace=spring-props",
        "caspian.memcached.timeout=700")) {
      CacheManager spring = context.getBean(CacheManager.class);
      spring.getCache("books").put("isbn-1", "Dune");
      javax.cache.CacheManager jcache = context.getBean(javax.cache.CacheManager.class);
      CaspianCacheManager caspian = jcache.unwrap(CaspianCacheManager.class);
      assertEquals(memcached.addresses(), caspian.settings().serverList());
      assertEquals("spring-props", caspian.settings().namespace());
      assertEquals(700, caspian.settings().operationTimeout().toMillis());
      assertEquals("Dune", readBack("spring-props", "books", "isbn-1"));
    }
  }

  @Test
  void aMemcachedUriInSpringCacheJcacheConfigIsTheManagersUri() {
    try (ConfigurableApplicationContext context = start(
        "spring.cache.jcache.config=memcached://" + memcached.addresses() + "/spring-uri",
        // the URI wins over these
        "caspian.memcached.servers=127.0.0.1:1", "caspian.namespace=not-this-one")) {
      javax.cache.CacheManager jcache = context.getBean(javax.cache.CacheManager.class);
      assertEquals(URI.create("memcached://" + memcached.addresses() + "/spring-uri"), jcache.getURI());
      assertEquals("spring-uri", jcache.unwrap(CaspianCacheManager.class).settings().namespace());
      context.getBean(CacheManager.class).getCache("books").put("isbn-2", "Emma");
      assertEquals("Emma", readBack("spring-uri", "books", "isbn-2"));
    }
  }

  @Test
  void aPropertiesFileInSpringCacheJcacheConfigIsReadNotMadeTheNamespace() {
    // src/test/resources/caspian-spring-test.properties: caspian.namespace=from-file, caspian.memcached.timeout=900
    try (ConfigurableApplicationContext context = start(
        "spring.cache.jcache.config=classpath:caspian-spring-test.properties",
        "caspian.memcached.servers=" + memcached.addresses())) {
      CaspianCacheManager caspian = context.getBean(javax.cache.CacheManager.class)
          .unwrap(CaspianCacheManager.class);
      assertEquals("from-file", caspian.settings().namespace());
      assertEquals(900, caspian.settings().operationTimeout().toMillis());
    }
  }

  @Test
  void anotherConfigFileIsRefusedNamingTheSetting() {
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> start(
        "spring.cache.jcache.config=classpath:ExcludeList", "caspian.memcached.servers=" + memcached.addresses())
        .close());
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    assertTrue(root.getMessage().contains("spring.cache.jcache.config=classpath:ExcludeList"), root.getMessage());
  }

  @Test
  void twoContextsWithOtherNamespacesInOneJvmShareNothing() {
    String suffix = Long.toString(System.nanoTime());
    try (ConfigurableApplicationContext one = start("caspian.memcached.servers=" + memcached.addresses(),
        "caspian.namespace=one-" + suffix);
        ConfigurableApplicationContext two = start("caspian.memcached.servers=" + memcached.addresses(),
            "caspian.namespace=two-" + suffix)) {
      one.getBean(CacheManager.class).getCache("books").put("isbn-9", "Ulysses");
      assertEquals(null, two.getBean(CacheManager.class).getCache("books").get("isbn-9"),
          "context two's namespace is its own, not context one's");
      assertEquals("Ulysses", readBack("one-" + suffix, "books", "isbn-9"));
    }
  }

  @Test
  void theManagerTagNamesTheServersReallyUsed() {
    // no spring.cache.jcache.config: the manager's URI is the one the caspian.* keys describe
    String namespace = "spring-tag-" + System.nanoTime();
    try (ConfigurableApplicationContext context = start(
        "caspian.memcached.servers=" + memcached.addresses(), "caspian.namespace=" + namespace)) {
      javax.cache.CacheManager jcache = context.getBean(javax.cache.CacheManager.class);
      assertEquals("memcached://" + memcached.addresses() + "/" + namespace, jcache.getURI().toString());
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertEquals("memcached://" + memcached.addresses() + "/" + namespace, registry.get("caspian.round.trips")
          .tag("client", "jcache").functionCounter().getId().getTag("manager"));
      assertEquals("memcached://" + memcached.addresses() + "/" + namespace, registry.get("caspian.cache.hits")
          .tags("client", "jcache", "cache", "books").functionCounter().getId().getTag("manager"));
    }
  }

  @Test
  void failOpenSkipsAreAMeter() {
    try (ConfigurableApplicationContext context = start(
        "caspian.memcached.servers=" + memcached.addresses(), "caspian.namespace=spring-fail-open",
        "caspian.fail-open=true", "caspian.memcached.timeout=300")) {
      Books books = context.getBean(Books.class);
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertEquals(0.0, registry.get("caspian.fail.open.skips").tag("client", "jcache").functionCounter().count());
      memcached.servers().forEach(MemcachedProcess::kill); // the extension starts them again after the test
      assertEquals("title of isbn-down", books.title("isbn-down"));
      assertEquals(1, books.calls());
      assertEquals(2.0, registry.get("caspian.fail.open.skips").tag("client", "jcache").functionCounter().count(),
          "the read, a miss, and the put, skipped");
      assertTrue(registry.get("caspian.transport.failures").tag("client", "jcache").functionCounter().count() >= 2);
      assertNotNull(registry.get("caspian.transport.timeouts").tag("client", "jcache").functionCounter());
    }
  }

  @Test
  void cacheableHitsMoveBootsCacheMetersAndCaspiansOwn() {
    // a manager URI naming two servers: a comma, which Micrometer's JMX-based JCacheMetrics cannot put in an
    // ObjectName; Caspian's own binder of Spring's cache meters reads the statistics directly
    try (ConfigurableApplicationContext context = start(
        "spring.cache.jcache.config=memcached://" + memcached.addresses() + "/spring-meters")) {
      Books books = context.getBean(Books.class);
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      double roundTripsBefore = registry.get("caspian.round.trips").tag("client", "jcache").functionCounter().count();
      String isbn = "isbn-" + System.nanoTime();
      assertEquals("title of " + isbn, books.title(isbn));
      assertEquals("title of " + isbn, books.title(isbn));
      assertEquals("title of " + isbn, books.title(isbn));
      assertEquals(1, books.calls(), "the second and third calls are cache hits");

      // Spring Boot's cache meters: statistics are on
      assertEquals(2.0, registry.get("cache.gets").tags("cache", "books", "result", "hit").functionCounter().count());
      assertEquals(1.0, registry.get("cache.gets").tags("cache", "books", "result", "miss").functionCounter()
          .count());
      assertEquals(1.0, registry.get("cache.puts").tags("cache", "books").functionCounter().count());

      // Caspian's own
      assertEquals(2.0, registry.get("caspian.cache.hits").tag("cache", "books").functionCounter().count());
      assertEquals(1.0, registry.get("caspian.cache.misses").tag("cache", "books").functionCounter().count());
      assertEquals(1.0, registry.get("caspian.cache.puts").tag("cache", "books").functionCounter().count());
      assertTrue(registry.get("caspian.round.trips").tag("client", "jcache").functionCounter().count()
          >= roundTripsBefore + 4, "a get, a put, two gets");
      double timed = 0;
      for (var server : memcached.servers()) {
        timed += registry.get("caspian.round.trip").tag("server", server.address()).functionTimer().count();
      }
      assertTrue(timed >= 4, "single-key requests timed per server: " + timed);
      for (String name : List.of("caspian.round.trips.background", "caspian.cas.conflicts", "caspian.cas.retries",
          "caspian.cas.gave.up", "caspian.transport.failures", "caspian.values.oversized",
          "caspian.values.rejected", "caspian.values.undecodable", "caspian.values.tampered",
          "caspian.cache.removals", "caspian.cache.evictions", "caspian.transport.timeouts",
          "caspian.fail.open.skips")) {
        assertNotNull(registry.get(name).tag("client", "jcache").functionCounter(), name);
      }
    }
  }
}
