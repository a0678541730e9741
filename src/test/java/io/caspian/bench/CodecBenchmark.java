package io.caspian.bench;

import io.caspian.hibernate.protocol.CachedItem;
import io.caspian.hibernate.CaspianTypeAdapters;
import io.caspian.hibernate.MappedValue;
import io.caspian.hibernate.protocol.Stamped;
import io.caspian.memcached.codec.ValueCodec;
import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.util.concurrent.TimeUnit;
import org.hibernate.cache.spi.entry.StandardCacheEntryImpl;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encoding and decoding one Hibernate region entry as Caspian stores it, {@code Stamped(CachedItem(MappedValue(
 * StandardCacheEntryImpl)))} of the benchmarks' {@link Account}: Java serialization (value format 1, what earlier
 * versions wrote) against the compact format (3) with the region factory's adapters. No memcached: the codec alone.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {
  private static final String ALLOW = "io.caspian.**;org.hibernate.**";

  private ValueCodec codec;
  private Object entry;
  private byte[] javaBytes;
  private byte[] compactBytes;
  private ClassLoader loader;

  @Setup(Level.Trial)
  public void prepare() throws Exception {
    codec = new ValueCodec(ALLOW, 16 * 1024, 1024 * 1024, CaspianTypeAdapters.all());
    Constructor<StandardCacheEntryImpl> constructor = StandardCacheEntryImpl.class
        .getDeclaredConstructor(Serializable[].class, String.class, Object.class);
    constructor.setAccessible(true);
    StandardCacheEntryImpl state = constructor.newInstance(new Serializable[] {"owner-42", 1_000L},
        Account.class.getName(), null);
    long clock = 7_357_662_388_301_824L;
    entry = new Stamped(clock - 6_000_000L, new CachedItem(new MappedValue(932_874_664, state), null, clock));
    javaBytes = codec.encodeSerialized(entry);
    compactBytes = codec.encode(entry);
    loader = getClass().getClassLoader();
    if (compactBytes[0] != 3 || javaBytes[0] != 1) {
      throw new IllegalStateException("formats: " + compactBytes[0] + ", " + javaBytes[0]);
    }
    System.out.printf("%nentry bytes: Java serialization %d, compact %d%n", javaBytes.length, compactBytes.length);
  }

  @Benchmark
  public Object javaRoundTrip() {
    return codec.decode(codec.encodeSerialized(entry), loader);
  }

  @Benchmark
  public Object compactRoundTrip() {
    return codec.decode(codec.encode(entry), loader);
  }

  @Benchmark
  public Object javaDecode() {
    return codec.decode(javaBytes, loader);
  }

  @Benchmark
  public Object compactDecode() {
    return codec.decode(compactBytes, loader);
  }
}
