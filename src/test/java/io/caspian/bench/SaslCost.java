package io.caspian.bench;

import io.caspian.jcache.CaspianCachingProvider;
import io.caspian.testing.MemcachedProcess;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;

/**
 * What SASL costs per get: the same loop of JCache gets (hits and misses, one thread) against a plain memcached and
 * against one started with {@code -S}, in one run, rounds alternating; prints the median µs per get of each.
 * SASL PLAIN authenticates once per connection and adds no per-command work, so the two should not differ beyond
 * noise. Run with the test class path: {@code java -cp target/test-classes:target/classes:<deps> io.caspian.bench.SaslCost
 * [gets per round] [rounds]}.
 */
public final class SaslCost {
  private SaslCost() {}

  public static void main(String[] args) throws Exception {
    int gets = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    try (MemcachedProcess plain = MemcachedProcess.start();
        MemcachedProcess sasl = MemcachedProcess.startSasl("bench", "bench-pw");
        CaspianCachingProvider provider = new CaspianCachingProvider()) {
      Cache<String, String> open = cache(provider, plain.address(), null);
      Cache<String, String> secured = cache(provider, sasl.address(), "bench");
      List<Double> openTimes = new ArrayList<>();
      List<Double> securedTimes = new ArrayList<>();
      loop(open, gets);
      loop(secured, gets); // warm-up
      for (int round = 0; round < rounds; round++) {
        openTimes.add(loop(open, gets));
        securedTimes.add(loop(secured, gets));
      }
      System.out.printf("gets per round %d, rounds %d; median µs/get: plain %.1f, SASL %.1f (rounds: plain %s, SASL %s)%n",
          gets, rounds, median(openTimes), median(securedTimes), openTimes, securedTimes);
    }
  }

  private static Cache<String, String> cache(CaspianCachingProvider provider, String address, String user) {
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("caspian.memcached.sasl.username", user);
      props.setProperty("caspian.memcached.sasl.password", "bench-pw");
    }
    CacheManager manager = provider.getCacheManager(URI.create("memcached://" + address + "/cost"),
        SaslCost.class.getClassLoader(), props);
    Cache<String, String> cache = manager.createCache("c", new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class));
    for (int i = 0; i < 100; i++) {
      cache.put("k" + i, "value " + i);
    }
    return cache;
  }

  /** µs per get over {@code gets} gets, 100 keys present and 100 absent, in turn. */
  private static double loop(Cache<String, String> cache, int gets) {
    long start = System.nanoTime();
    int found = 0;
    int expected = 0;
    for (int i = 0; i < gets; i++) {
      if (cache.get("k" + (i % 200)) != null) {
        found++;
      }
      expected += i % 200 < 100 ? 1 : 0;
    }
    double micros = (System.nanoTime() - start) / 1_000.0 / gets;
    if (found != expected) {
      throw new IllegalStateException("expected " + expected + " hits, got " + found);
    }
    return micros;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
