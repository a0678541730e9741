package io.caspian.it;

import io.caspian.jcache.CaspianCache;
import io.caspian.jcache.CaspianCachingProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;

/**
 * One application JVM of {@link CrossProcessCasIT}: several threads increment shared counters, either atomically
 * with {@code invoke} or with a plain {@code get} then {@code put}, and the JVM prints how many increments it made
 * and how many CAS conflicts its client saw.
 *
 * <p>Arguments: servers, mode ({@code invoke} or {@code plain}), threads, increments per thread, counters.
 */
public final class CounterWorker {
  public static void main(String[] args) throws Exception {
    String servers = args[0];
    boolean atomic = args[1].equals("invoke");
    int threads = Integer.parseInt(args[2]);
    int increments = Integer.parseInt(args[3]);
    int counters = Integer.parseInt(args[4]);
    Properties props = new Properties();
    props.setProperty("caspian.memcached.timeout", "2000");
    props.setProperty("caspian.cas.max-attempts", "100000");
    CacheManager manager = new CaspianCachingProvider()
        .getCacheManager(URI.create("memcached://" + servers + "/cross-process"), null, props);
    Cache<String, Long> cache = manager.getCache("counters", String.class, Long.class) != null
        ? manager.getCache("counters", String.class, Long.class)
        : manager.createCache("counters", new MutableConfiguration<String, Long>().setTypes(String.class, Long.class));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Integer>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t;
      results.add(pool.submit(() -> {
        int done = 0;
        for (int i = 0; i < increments; i++) {
          String key = "counter-" + ((i + offset) % counters);
          if (atomic) {
            cache.invoke(key, (entry, a) -> {
              entry.setValue(entry.exists() ? entry.getValue() + 1 : 1L);
              return null;
            });
          } else {
            Long current = cache.get(key);
            cache.put(key, current == null ? 1L : current + 1);
          }
          done++;
        }
        return done;
      }));
    }
    int total = 0;
    for (Future<Integer> f : results) {
      total += f.get(5, TimeUnit.MINUTES);
    }
    pool.shutdown();
    long conflicts = cache.unwrap(CaspianCache.class).statistics().getCasConflicts();
    System.out.println("RESULT increments=" + total + " conflicts=" + conflicts);
    manager.close();
  }
}
