package io.caspian.bench;

import io.caspian.jcache.CaspianCachingProvider;
import io.caspian.testing.MemcachedProcess;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.processor.EntryProcessor;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Caspian's JCache operations against the raw spymemcached calls they are built on, on the same memcached, with
 * values of the same size: {@code get} vs {@code get}, {@code put} vs {@code set}, {@code invoke} vs
 * {@code gets}+{@code cas}, {@code getAll(20)} vs {@code getBulk(20)}. Single-threaded, so latency is what is
 * compared; the ratios are what matters, not the absolute numbers of a noisy 2-core machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JCacheBenchmark {
  private static final EntryProcessor<String, Long, Long> INCREMENT = (entry, args) -> {
    long next = entry.exists() ? entry.getValue() + 1 : 1L;
    entry.setValue(next);
    return next;
  };

  private MemcachedProcess server;
  private MemcachedClient raw;
  private CacheManager manager;
  private Cache<String, String> cache;
  private Cache<String, Long> counters;
  private String value;
  private byte[] rawValue;
  private Set<String> twentyKeys;
  private List<String> twentyRawKeys;

  @Setup(Level.Trial)
  public void start() throws Exception {
    server = MemcachedProcess.start();
    raw = RawSpymemcached.connect(server.port());
    manager = new CaspianCachingProvider()
        .getCacheManager(URI.create("memcached://" + server.address() + "/bench"), null);
    cache = manager.createCache("values", new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class));
    counters = manager.createCache("counters", new MutableConfiguration<String, Long>()
        .setTypes(String.class, Long.class));
    value = "v".repeat(200);
    // the raw baseline moves as many bytes as Caspian's stored entry (header, key and serialized value)
    rawValue = new byte[entryBytes()];
    cache.put("hit", value);
    raw.set("raw-hit", 0, rawValue).get();
    counters.put("counter", 0L);
    raw.set("raw-counter", 0, rawValue).get();
    twentyKeys = new LinkedHashSet<>();
    twentyRawKeys = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      cache.put("many-" + i, value);
      twentyKeys.add("many-" + i);
      raw.set("raw-many-" + i, 0, rawValue).get();
      twentyRawKeys.add("raw-many-" + i);
    }
  }

  private int entryBytes() {
    io.caspian.memcached.Memcached m = cache.unwrap(io.caspian.memcached.Memcached.class);
    byte[] stored = m.get("bench:values:s:hit");
    return stored == null ? 256 : stored.length;
  }

  @TearDown(Level.Trial)
  public void stop() {
    manager.close();
    raw.shutdown(1, TimeUnit.SECONDS);
    server.close();
  }

  @Benchmark
  public Object caspianGet() {
    return cache.get("hit");
  }

  @Benchmark
  public Object rawGet() {
    return raw.get("raw-hit");
  }

  @Benchmark
  public void caspianPut() {
    cache.put("put", value);
  }

  @Benchmark
  public Object rawSet() throws Exception {
    return raw.set("raw-put", 0, rawValue).get();
  }

  @Benchmark
  public Object caspianInvoke() {
    return counters.invoke("counter", INCREMENT);
  }

  @Benchmark
  public Object rawGetsCas() {
    CASValue<Object> current = raw.gets("raw-counter");
    return raw.cas("raw-counter", current.getCas(), rawValue);
  }

  @Benchmark
  public Map<String, String> caspianGetAll20() {
    return cache.getAll(twentyKeys);
  }

  @Benchmark
  public Map<String, Object> rawGetBulk20() {
    return raw.getBulk(twentyRawKeys);
  }
}
