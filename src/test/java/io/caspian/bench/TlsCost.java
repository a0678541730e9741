package io.caspian.bench;

import io.caspian.jcache.CaspianCachingProvider;
import io.caspian.memcached.connection.MemcachedClientFactory;
import io.caspian.memcached.MemcachedSettings;
import io.caspian.testing.MemcachedProcess;
import io.caspian.testing.TestCertificates;
import java.net.URI;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import net.spy.memcached.MemcachedClient;

/**
 * What TLS costs per get, plain and TLS in the same run: one thread, a hit of a small value, N gets after a warm-up,
 * through Caspian's JCache and through the raw client (built by Caspian's factory, so TLS the same way), rounds
 * interleaved. Prints µs/op; asserts nothing.
 * {@code java -cp <test class path> io.caspian.bench.TlsCost [gets per round, default 20000] [rounds, default 3]}
 */
public final class TlsCost {
  private TlsCost() {}

  public static void main(String[] args) throws Exception {
    int gets = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    TestCertificates certificates = TestCertificates.create();
    try (MemcachedProcess plain = MemcachedProcess.start();
        MemcachedProcess tls = MemcachedProcess.startTls(certificates.server("server", "IP:127.0.0.1"), List.of());
        CaspianCachingProvider provider = new CaspianCachingProvider()) {
      Properties tlsProperties = new Properties();
      tlsProperties.setProperty(MemcachedSettings.TLS, "true");
      tlsProperties.setProperty(MemcachedSettings.TLS_CA_FILE, certificates.ca().toString());
      Cache<String, String> plainCache = cache(provider, plain.address(), new Properties());
      Cache<String, String> tlsCache = cache(provider, tls.address(), tlsProperties);
      MemcachedClient plainRaw = MemcachedClientFactory.create(
          MemcachedSettings.fromProperties(props(plain.address(), new Properties())));
      MemcachedClient tlsRaw = MemcachedClientFactory.create(
          MemcachedSettings.fromProperties(props(tls.address(), tlsProperties)));
      String value = "v".repeat(100);
      plainCache.put("k", value);
      tlsCache.put("k", value);
      plainRaw.set("raw", 0, value).get();
      tlsRaw.set("raw", 0, value).get();
      for (int round = 0; round <= rounds; round++) {
        int n = round == 0 ? gets / 2 : gets; // round 0 warms up
        double pj = jcache(plainCache, n);
        double tj = jcache(tlsCache, n);
        double pr = raw(plainRaw, n);
        double tr = raw(tlsRaw, n);
        System.out.printf("%s %d gets: JCache plain %.1f µs, TLS %.1f µs (+%.1f); raw client plain %.1f µs,"
            + " TLS %.1f µs (+%.1f)%n", round == 0 ? "warm-up" : "round " + round, n, pj, tj, tj - pj, pr, tr,
            tr - pr);
      }
      plainRaw.shutdown(1, TimeUnit.SECONDS);
      tlsRaw.shutdown(1, TimeUnit.SECONDS);
    }
  }

  private static Properties props(String servers, Properties extra) {
    Properties p = new Properties();
    p.putAll(extra);
    p.setProperty(MemcachedSettings.SERVERS, servers);
    return p;
  }

  private static Cache<String, String> cache(CaspianCachingProvider provider, String servers, Properties p) {
    CacheManager manager = provider.getCacheManager(URI.create("memcached://" + servers + "/tlscost"),
        TlsCost.class.getClassLoader(), p);
    return manager.createCache("c", new MutableConfiguration<String, String>().setTypes(String.class, String.class));
  }

  private static double jcache(Cache<String, String> cache, int n) {
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      if (cache.get("k") == null) {
        throw new IllegalStateException("miss");
      }
    }
    return (System.nanoTime() - start) / 1000.0 / n;
  }

  private static double raw(MemcachedClient client, int n) throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      if (client.asyncGet("raw").get(1, TimeUnit.SECONDS) == null) {
        throw new IllegalStateException("miss");
      }
    }
    return (System.nanoTime() - start) / 1000.0 / n;
  }
}
