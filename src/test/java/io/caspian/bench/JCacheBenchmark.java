package io.caspian.bench;

import io.caspian.jcache.CaspianCachingProvider;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;
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
 * JCache {@code get} (hit), {@code put}, {@code invoke} (uncontended: each benchmark thread increments its own
 * counter) and {@code getAll(20)} on Caspian, Hazelcast (client to a member in its own JVM) and Redisson (on
 * redis-server), against the raw spymemcached calls Caspian is built on, on the same memcached with values of the
 * same size: {@code get}, {@code set}, {@code gets}+{@code cas}, {@code getBulk(20)}. {@link #getRaw} is the anchor
 * every ratio of a run is taken to. Each benchmark method names its operation, then its provider; only the states
 * a method takes are set up in its fork.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JCacheBenchmark {
  /** Counters and put keys per thread, so that {@code invoke} and {@code put} measure the uncontended case. */
  static final int SLOTS = 64;

  /** Serializable, so that Hazelcast can run it on its member. */
  static final class Increment implements EntryProcessor<String, Long, Long>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Long process(MutableEntry<String, Long> entry, Object... arguments) {
      long next = entry.exists() ? entry.getValue() + 1 : 1L;
      entry.setValue(next);
      return next;
    }
  }

  private static final Increment INCREMENT = new Increment();
  static final String VALUE = "v".repeat(200);

  /** The benchmark thread's own slot. */
  @State(Scope.Thread)
  public static class Slot {
    private static final AtomicInteger NEXT = new AtomicInteger();
    String putKey;
    String counterKey;

    @Setup(Level.Trial)
    public void take() {
      int index = NEXT.getAndIncrement() % SLOTS;
      putKey = "put-" + index;
      counterKey = "counter-" + index;
    }
  }

  /** Plain spymemcached, configured as Caspian configures its own client, moving as many bytes as Caspian stores. */
  @State(Scope.Benchmark)
  public static class Raw {
    MemcachedClient client;
    byte[] value;
    List<String> twenty;

    @Setup(Level.Trial)
    public void start() throws Exception {
      String address = BenchServers.address(BenchServers.MEMCACHED);
      client = RawSpymemcached.connect(BenchServers.port(address));
      value = new byte[caspianEntryBytes(address)];
      client.set("raw-hit", 0, value).get();
      for (int i = 0; i < SLOTS; i++) {
        client.set("raw-counter-" + i, 0, value).get();
      }
      twenty = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        client.set("raw-many-" + i, 0, value).get();
        twenty.add("raw-many-" + i);
      }
    }

    /** The size of Caspian's stored entry (header, key and serialized value) for the benchmark's value. */
    private static int caspianEntryBytes(String address) {
      try (CacheManager m = new CaspianCachingProvider()
          .getCacheManager(URI.create("memcached://" + address + "/bench-size"), null)) {
        Cache<String, String> c = m.createCache("values", new MutableConfiguration<String, String>()
            .setTypes(String.class, String.class));
        c.put("hit", VALUE);
        byte[] stored = c.unwrap(io.caspian.memcached.Memcached.class).get("bench-size:values:s:hit");
        return stored == null ? 256 : stored.length;
      }
    }

    @TearDown(Level.Trial)
    public void stop() {
      client.shutdown(1, TimeUnit.SECONDS);
    }
  }

  /** A provider's caches: 200-character strings by string keys, and long counters. */
  @State(Scope.Benchmark)
  public abstract static class Caches {
    AutoCloseable closer;
    Cache<String, String> values;
    Cache<String, Long> counters;
    Set<String> twenty;

    abstract CacheManager open() throws Exception;

    @Setup(Level.Trial)
    public void start() throws Exception {
      CacheManager manager = open();
      try {
        fill(manager);
      } catch (Exception e) {
        // JMH calls no tear-down after a failed set-up: a peer's client threads would keep the fork alive
        stop();
        throw e;
      }
    }

    private void fill(CacheManager manager) {
      String run = Long.toString(System.nanoTime(), 36);
      values = manager.createCache("values-" + run, new MutableConfiguration<String, String>()
          .setTypes(String.class, String.class));
      counters = manager.createCache("counters-" + run, new MutableConfiguration<String, Long>()
          .setTypes(String.class, Long.class));
      values.put("hit", VALUE);
      for (int i = 0; i < SLOTS; i++) {
        counters.put("counter-" + i, 0L);
      }
      twenty = new LinkedHashSet<>();
      for (int i = 0; i < 20; i++) {
        values.put("many-" + i, VALUE);
        twenty.add("many-" + i);
      }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
      closer.close();
    }
  }

  public static class Caspian extends Caches {
    @Override
    CacheManager open() {
      CacheManager m = new CaspianCachingProvider().getCacheManager(
          URI.create("memcached://" + BenchServers.address(BenchServers.MEMCACHED) + "/bench"), null);
      closer = m;
      return m;
    }
  }

  /** Caspian with signed values ({@code caspian.security.key}): the HMAC's cost per get and put. */
  public static class CaspianSigned extends Caches {
    @Override
    CacheManager open() {
      java.util.Properties properties = new java.util.Properties();
      properties.setProperty("caspian.security.key", "bench-secret-0123456789abcdef0123");
      CacheManager m = new CaspianCachingProvider().getCacheManager(
          URI.create("memcached://" + BenchServers.address(BenchServers.MEMCACHED) + "/bench-signed"), null,
          properties);
      closer = m;
      return m;
    }
  }

  public static class Hazelcast extends Caches {
    @Override
    CacheManager open() {
      Peers.Manager m = Peers.hazelcast();
      closer = m;
      return m.manager();
    }
  }

  public static class Redisson extends Caches {
    @Override
    CacheManager open() {
      Peers.Manager m = Peers.redisson();
      closer = m;
      return m.manager();
    }
  }

  // get (hit)

  @Benchmark
  public Object getRaw(Raw raw) {
    return raw.client.get("raw-hit");
  }

  @Benchmark
  public Object getCaspian(Caspian c) {
    return c.values.get("hit");
  }

  @Benchmark
  public Object getCaspianSigned(CaspianSigned c) {
    return c.values.get("hit");
  }

  @Benchmark
  public Object getHazelcast(Hazelcast c) {
    return c.values.get("hit");
  }

  @Benchmark
  public Object getRedisson(Redisson c) {
    return c.values.get("hit");
  }

  // put

  @Benchmark
  public Object putRaw(Raw raw, Slot slot) throws Exception {
    return raw.client.set("raw-" + slot.putKey, 0, raw.value).get();
  }

  @Benchmark
  public void putCaspian(Caspian c, Slot slot) {
    c.values.put(slot.putKey, VALUE);
  }

  @Benchmark
  public void putCaspianSigned(CaspianSigned c, Slot slot) {
    c.values.put(slot.putKey, VALUE);
  }

  @Benchmark
  public void putHazelcast(Hazelcast c, Slot slot) {
    c.values.put(slot.putKey, VALUE);
  }

  @Benchmark
  public void putRedisson(Redisson c, Slot slot) {
    c.values.put(slot.putKey, VALUE);
  }

  // invoke (uncontended); the raw counterpart is gets + cas

  @Benchmark
  public Object invokeRaw(Raw raw, Slot slot) {
    String key = "raw-" + slot.counterKey;
    CASValue<Object> current = raw.client.gets(key);
    return raw.client.cas(key, current.getCas(), raw.value);
  }

  @Benchmark
  public Object invokeCaspian(Caspian c, Slot slot) {
    return c.counters.invoke(slot.counterKey, INCREMENT);
  }

  @Benchmark
  public Object invokeHazelcast(Hazelcast c, Slot slot) {
    return c.counters.invoke(slot.counterKey, INCREMENT);
  }

  @Benchmark
  public Object invokeRedisson(Redisson c, Slot slot) {
    return c.counters.invoke(slot.counterKey, INCREMENT);
  }

  // getAll(20); the raw counterpart is getBulk(20)

  @Benchmark
  public Map<String, Object> getAllRaw(Raw raw) {
    return raw.client.getBulk(raw.twenty);
  }

  @Benchmark
  public Map<String, String> getAllCaspian(Caspian c) {
    return c.values.getAll(c.twenty);
  }

  @Benchmark
  public Map<String, String> getAllHazelcast(Hazelcast c) {
    return c.values.getAll(c.twenty);
  }

  @Benchmark
  public Map<String, String> getAllRedisson(Redisson c) {
    return c.values.getAll(c.twenty);
  }
}
