package io.caspian.bench;

import io.caspian.jcache.CaspianCachingProvider;
import io.caspian.testing.MemcachedProcess;
import java.net.URI;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;

/**
 * What signed values cost per get and per put, unsigned and signed in the same run on one memcached: one thread, a
 * 100-character value, rounds interleaved after a warm-up. Prints µs/op; asserts nothing (bin/bench has the JMH
 * variants {@code getCaspianSigned}, {@code putCaspianSigned}).
 * {@code java -cp <test class path> io.caspian.bench.SignedCost [ops per round, default 20000] [rounds, default 5]}
 */
public final class SignedCost {
  private SignedCost() {}

  public static void main(String[] args) throws Exception {
    int ops = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    try (MemcachedProcess server = MemcachedProcess.start();
        CaspianCachingProvider provider = new CaspianCachingProvider()) {
      Properties signedProperties = new Properties();
      signedProperties.setProperty("caspian.security.key", "signed-cost-secret-0123456789abcdef");
      Cache<String, String> plain = cache(provider, server.address(), "plain", new Properties());
      Cache<String, String> signed = cache(provider, server.address(), "signed", signedProperties);
      String value = "v".repeat(100);
      plain.put("k", value);
      signed.put("k", value);
      for (int round = 0; round <= rounds; round++) {
        int n = round == 0 ? ops / 2 : ops; // round 0 warms up
        double pg = gets(plain, n);
        double sg = gets(signed, n);
        double pp = puts(plain, n / 4, value);
        double sp = puts(signed, n / 4, value);
        System.out.printf("%s: get unsigned %.1f µs, signed %.1f µs (%+.1f); put unsigned %.1f µs, signed %.1f µs"
            + " (%+.1f)%n", round == 0 ? "warm-up" : "round " + round, pg, sg, sg - pg, pp, sp, sp - pp);
      }
    }
  }

  private static Cache<String, String> cache(CaspianCachingProvider provider, String servers, String namespace,
      Properties properties) {
    CacheManager manager = provider.getCacheManager(URI.create("memcached://" + servers + "/" + namespace),
        SignedCost.class.getClassLoader(), properties);
    return manager.createCache("c", new MutableConfiguration<String, String>().setTypes(String.class, String.class));
  }

  private static double gets(Cache<String, String> cache, int n) {
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      if (cache.get("k") == null) {
        throw new IllegalStateException("miss");
      }
    }
    return (System.nanoTime() - start) / 1000.0 / n;
  }

  private static double puts(Cache<String, String> cache, int n, String value) {
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      cache.put("p" + (i & 63), value);
    }
    return (System.nanoTime() - start) / 1000.0 / n;
  }
}
