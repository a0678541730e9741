package io.caspian.demo;

import io.caspian.jcache.CaspianCache;
import io.caspian.jcache.CaspianCacheStatisticsMXBean;
import io.caspian.jcache.CaspianCachingProvider;
import io.caspian.testing.MemcachedProcess;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.spi.CachingProvider;

/**
 * The JCache demo: two memcached servers, two independent cache managers standing in for two application
 * servers, and what Caspian guarantees between them: shared entries, atomic {@code invoke} across both, and
 * millisecond expiry. Then the same counter workload with plain get-then-put, which loses updates.
 */
public final class Demo {
  private static final int THREADS_PER_NODE = 4;
  private static final int INCREMENTS_PER_THREAD = 250;

  /** Held so that the level sticks: JUL keeps loggers only weakly. */
  private static final java.util.logging.Logger SPY = java.util.logging.Logger.getLogger("net.spy");

  public static void main(String[] args) throws Exception {
    SPY.setLevel(java.util.logging.Level.WARNING);
    try (MemcachedProcess first = MemcachedProcess.start(); MemcachedProcess second = MemcachedProcess.start()) {
      String servers = first.address() + "," + second.address();
      System.out.println("Caspian JCache demo — memcached pool " + servers);
      CachingProvider provider = new CaspianCachingProvider();
      URI uri = URI.create("memcached://" + servers + "/demo");
      // two class loaders give two managers, each with its own connections: two "nodes"
      CacheManager nodeA = provider.getCacheManager(uri, new ClassLoader(Demo.class.getClassLoader()) {}, new Properties());
      CacheManager nodeB = provider.getCacheManager(uri, new ClassLoader(Demo.class.getClassLoader()) {}, new Properties());
      MutableConfiguration<String, Integer> config = new MutableConfiguration<String, Integer>()
          .setTypes(String.class, Integer.class).setStatisticsEnabled(true);
      Cache<String, Integer> a = nodeA.createCache("counters", config);
      Cache<String, Integer> b = nodeB.createCache("counters", config);
      a.clear();

      a.put("greeting-length", "hello".length());
      System.out.printf("%n1. node A put greeting-length=5; node B reads %s%n", b.get("greeting-length"));

      System.out.printf("%n2. %d threads on each node increment 4 shared counters %d times each with invoke()%n",
          THREADS_PER_NODE, INCREMENTS_PER_THREAD);
      long invokeMillis = race(a, b, true);
      report(a, b, invokeMillis);

      System.out.printf("%n3. the same with get() then put() — no atomicity%n");
      long plainMillis = race(a, b, false);
      report(a, b, plainMillis);

      Cache<String, String> shortLived = nodeA.createCache("short-lived", new MutableConfiguration<String, String>()
          .setTypes(String.class, String.class)
          .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 300))));
      shortLived.put("token", "abc");
      String before = shortLived.get("token");
      Thread.sleep(400);
      System.out.printf("%n4. expiry of 300 ms (memcached itself only knows seconds): at once %s, after 400 ms %s%n",
          before, shortLived.get("token"));

      CaspianCacheStatisticsMXBean stats = a.unwrap(CaspianCache.class).statistics();
      System.out.printf("%nnode A statistics: gets=%d hits=%d puts=%d, CAS conflicts (both caches of node A)=%d%n",
          stats.getCacheGets(), stats.getCacheHits(), stats.getCachePuts(), stats.getCasConflicts());
      nodeA.destroyCache("short-lived");
      nodeA.destroyCache("counters");
      nodeA.close();
      nodeB.close();
    }
  }

  private static long race(Cache<String, Integer> a, Cache<String, Integer> b, boolean atomic) throws Exception {
    for (int i = 0; i < 4; i++) {
      a.put("counter-" + i, 0);
    }
    ExecutorService pool = Executors.newFixedThreadPool(2 * THREADS_PER_NODE);
    long start = System.nanoTime();
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 2 * THREADS_PER_NODE; t++) {
      Cache<String, Integer> node = t % 2 == 0 ? a : b;
      int offset = t;
      done.add(pool.submit(() -> {
        for (int i = 0; i < INCREMENTS_PER_THREAD; i++) {
          String key = "counter-" + ((i + offset) % 4);
          if (atomic) {
            node.invoke(key, (entry, args) -> {
              entry.setValue(entry.getValue() + 1);
              return null;
            });
          } else {
            node.put(key, node.get(key) + 1);
          }
        }
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private static void report(Cache<String, Integer> a, Cache<String, Integer> b, long millis) {
    int expected = 2 * THREADS_PER_NODE * INCREMENTS_PER_THREAD;
    Map<String, Integer> counters = b.getAll(java.util.Set.of("counter-0", "counter-1", "counter-2", "counter-3"));
    int total = counters.values().stream().mapToInt(Integer::intValue).sum();
    System.out.printf("   increments: %d, counted: %d, lost: %d (%.1f%%), %d ms%n", expected, total,
        expected - total, 100.0 * (expected - total) / expected, millis);
  }
}
