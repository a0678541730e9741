package io.caspian.jcache;

import io.caspian.memcached.TransportStats;
import java.util.concurrent.atomic.LongAdder;

/**
 * The statistics of one cache in this JVM (JSR-107 statistics are per cache instance, not cluster-wide). Counting
 * is skipped entirely while statistics are disabled, so the hot path pays nothing for them.
 */
final class CaspianStatistics implements CaspianCacheStatisticsMXBean {
  private final TransportStats transport;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder removals = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder getNanos = new LongAdder();
  private final LongAdder putNanos = new LongAdder();
  private final LongAdder removeNanos = new LongAdder();
  private volatile boolean enabled;

  CaspianStatistics(TransportStats transport, boolean enabled) {
    this.transport = transport;
    this.enabled = enabled;
  }

  boolean isEnabled() {
    return enabled;
  }

  void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  void hits(long n) {
    if (enabled && n > 0) {
      hits.add(n);
    }
  }

  void misses(long n) {
    if (enabled && n > 0) {
      misses.add(n);
    }
  }

  void puts(long n) {
    if (enabled && n > 0) {
      puts.add(n);
    }
  }

  void removals(long n) {
    if (enabled && n > 0) {
      removals.add(n);
    }
  }

  void evictions(long n) {
    if (enabled && n > 0) {
      evictions.add(n);
    }
  }

  void getTime(long startNanos) {
    if (enabled) {
      getNanos.add(System.nanoTime() - startNanos);
    }
  }

  void putTime(long startNanos) {
    if (enabled) {
      putNanos.add(System.nanoTime() - startNanos);
    }
  }

  void removeTime(long startNanos) {
    if (enabled) {
      removeNanos.add(System.nanoTime() - startNanos);
    }
  }

  /** A start time for the timers, or 0 when nothing is measured. */
  long start() {
    return enabled ? System.nanoTime() : 0L;
  }

  @Override
  public void clear() {
    for (LongAdder a : new LongAdder[] {hits, misses, puts, removals, evictions, getNanos, putNanos, removeNanos}) {
      a.reset();
    }
  }

  @Override
  public long getCacheHits() {
    return hits.sum();
  }

  @Override
  public float getCacheHitPercentage() {
    long h = getCacheHits();
    long total = h + getCacheMisses();
    return total == 0 ? 0f : 100f * h / total;
  }

  @Override
  public long getCacheMisses() {
    return misses.sum();
  }

  @Override
  public float getCacheMissPercentage() {
    long m = getCacheMisses();
    long total = m + getCacheHits();
    return total == 0 ? 0f : 100f * m / total;
  }

  @Override
  public long getCacheGets() {
    return getCacheHits() + getCacheMisses();
  }

  @Override
  public long getCachePuts() {
    return puts.sum();
  }

  @Override
  public long getCacheRemovals() {
    return removals.sum();
  }

  @Override
  public long getCacheEvictions() {
    return evictions.sum();
  }

  @Override
  public float getAverageGetTime() {
    return average(getNanos.sum(), getCacheGets());
  }

  @Override
  public float getAveragePutTime() {
    return average(putNanos.sum(), getCachePuts());
  }

  @Override
  public float getAverageRemoveTime() {
    return average(removeNanos.sum(), getCacheRemovals());
  }

  private static float average(long nanos, long count) {
    return count == 0 ? 0f : (nanos / 1000f) / count;
  }

  @Override
  public long getCasConflicts() {
    return transport.casConflicts();
  }

  @Override
  public long getCasGaveUp() {
    return transport.casGaveUp();
  }

  @Override
  public long getOversizedValues() {
    return transport.oversized();
  }

  @Override
  public long getRejectedValues() {
    return transport.rejectedClasses();
  }

  @Override
  public long getUndecodableValues() {
    return transport.undecodable();
  }

  @Override
  public long getTamperedValues() {
    return transport.tamperedValues();
  }

  @Override
  public long getFailOpenSkips() {
    return transport.failOpen();
  }

  @Override
  public long getTransportFailures() {
    return transport.failures();
  }

  @Override
  public long getTransportTimeouts() {
    return transport.timeouts();
  }
}
