package io.caspian.hibernate;

import io.caspian.hibernate.protocol.ClockTicks;
import io.caspian.jcache.ServerAwareCache;
import java.io.Serializable;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;

/**
 * A clock shared by all JVMs through one memcached key, so that "did transaction T begin after event E" never depends
 * on synchronized wall clocks. See docs/hibernate-design.md, "Clock".
 */
public final class ClusterClock {
  /** Returned by {@link #current()} when memcached cannot be reached; a transaction started then bypasses the cache. */
  public static final long UNAVAILABLE = 0L;

  static final String KEY = "clock";

  /**
   * The most one increment may add to bring the clock up to this node's wall time; further behind, it is raised by
   * CAS in the background. Increments that catch up concurrently add up (unlike a CAS maximum), so this bounds how
   * far the clock can run ahead of the fastest wall clock: about this much per node catching up at the same moment.
   */
  static final long CATCH_UP_TICKS = ClockTicks.fromMillis(20);

  private final Cache<Object, Object> meta;
  /** The clock's cache as a keeper of counters; null when it is not a Caspian cache (then advances read and CAS). */
  private final ServerAwareCache<Object, Object> counter;
  private final AtomicLong lastSeen = new AtomicLong(Long.MIN_VALUE / 2);
  /** The highest local time an increment of this node has already caught the clock up to. */
  private final AtomicLong claimed = new AtomicLong(Long.MIN_VALUE / 2);
  private final long maxLagNanos;
  private final java.util.function.LongSupplier wallMillis;
  private final long rebuildMarginTicks;
  private volatile long lastReadNanos;
  private volatile boolean everRead;

  public ClusterClock(Cache<Object, Object> meta) {
    this(meta, java.time.Duration.ZERO);
  }

  /**
   * @param maxLag how long {@link #current()} may answer with the latest value this JVM has seen instead of reading
   *     the clock; every clock value this JVM obtains (an advance, a read, the clock key fetched with an entry read)
   *     counts as seen. A transaction timestamp that is too low is always on the safe side: entries and query results
   *     written after it are not served to that transaction (misses), and loads it makes are refused where a
   *     newer write or eviction exists; it can never make a stale value visible. What it costs is freshness: for
   *     up to {@code maxLag}, entries that other nodes wrote are misses here. Zero reads the clock every time.
   */
  public ClusterClock(Cache<Object, Object> meta, java.time.Duration maxLag) {
    this(meta, maxLag, System::currentTimeMillis);
  }

  /** With the wall clock given, so that tests can run nodes whose clocks disagree. */
  ClusterClock(Cache<Object, Object> meta, java.time.Duration maxLag, java.util.function.LongSupplier wallMillis) {
    this(meta, maxLag, java.time.Duration.ofSeconds(1), wallMillis);
  }

  /**
   * @param maxSkew the largest difference between the application servers' wall clocks: a lost clock key is rebuilt
   *     this far ahead of the rebuilding node's time (see {@link ClockTicks#advance})
   */
  ClusterClock(Cache<Object, Object> meta, java.time.Duration maxLag, java.time.Duration maxSkew,
      java.util.function.LongSupplier wallMillis) {
    this.meta = meta;
    this.counter = RegionEpoch.serverAware(meta);
    this.maxLagNanos = maxLag.toNanos();
    this.rebuildMarginTicks = ClockTicks.fromMillis(maxSkew.toMillis());
    this.wallMillis = wallMillis;
  }

  /** With the wall clock of this JVM. */
  public ClusterClock(Cache<Object, Object> meta, java.time.Duration maxLag, java.time.Duration maxSkew) {
    this(meta, maxLag, maxSkew, System::currentTimeMillis);
  }

  /**
   * A value strictly greater than every value any JVM obtained from {@link #current()} or {@code advance()} before
   * this call. One atomic memcached transition.
   *
   * @throws CacheException when memcached cannot be reached
   */
  public long advance() {
    return advanceLater().getAsLong();
  }

  /**
   * Starts an {@link #advance()} and returns at once, so that the caller can put the requests that go with the stamp
   * in flight meanwhile; the supplier waits for the value (throwing {@link CacheException} when memcached cannot be
   * reached). The clock is a memcached counter: one {@code incr} by {@link ClockTicks#increment}, at most
   * {@link #CATCH_UP_TICKS} (one round trip). When the clock as last seen is further behind local wall time, it is
   * also raised to local time by a CAS in the background.
   */
  java.util.function.LongSupplier advanceLater() {
    if (counter == null) {
      return () -> {
        long value = (Long) meta.invoke(KEY, new Advance(localTicks(), lastSeen.get(), rebuildMarginTicks));
        observe(value);
        markRead();
        return value;
      };
    }
    long seen = lastSeen.get();
    long local = localTicks();
    // the threads of this node share one catch-up: only the first adds the gap between the clock and local time
    long gap = local - Math.max(seen, claimed.getAndAccumulate(local, Math::max));
    // far behind (a quiet spell, or this node's wall clock ahead): the increment adds at most CATCH_UP_TICKS, and
    // the clock is raised to local time in the background, exactly, as concurrent catch-ups would add up
    boolean raise = gap > CATCH_UP_TICKS && seen > Long.MIN_VALUE / 2;
    long rebuilt = ClockTicks.rebuilt(local, seen, rebuildMarginTicks);
    java.util.function.LongSupplier pending =
        counter.incrementLater(KEY, Math.min(ClockTicks.increment(seen, gap), CATCH_UP_TICKS), rebuilt);
    return () -> {
      long value = pending.getAsLong();
      if (value <= seen) {
        // the key went back: rebuilt by a node that had not seen as far as this one. Push it past what we saw
        value = counter.incrementLater(KEY, seen + 1 - value, rebuilt).getAsLong();
      }
      if (raise && value < local) {
        counter.raiseCounterLater(KEY, local); // after our increment: a CAS read before it would conflict with it
      }
      observe(value);
      markRead();
      return value;
    };
  }

  /**
   * Whether a value was seen within the last {@code nanos}: an entry read may then leave the clock key out of its
   * multi-get, which keeps the key from being fetched by every read of every node.
   */
  boolean seenWithin(long nanos) {
    return everRead && System.nanoTime() - lastReadNanos < nanos;
  }

  /**
   * Makes the next {@link #current()} read the clock and the next entry read fetch it, as if no value had been seen
   * recently. Never unsafe: it only makes the timestamp fresher.
   */
  void forgetSeen() {
    everRead = false;
  }

  /**
   * Moves the clock past now and makes the next {@link #current()} read it: for a caller refused by a stamp that lies
   * ahead of the clock (a lease that lapsed by wall time, an eviction stamped by {@link #stampOrBound()}). Only writes
   * move the clock, so in a quiet cluster no transaction would otherwise ever begin after such a stamp. Never
   * throws: a failure only costs later cache hits.
   */
  void moveOn() {
    try {
      advance();
    } catch (CacheException | ClassCastException e) {
      // memcached away: the next write or refusal moves it
    }
    forgetSeen();
  }

  /** The cache holding the clock key, for reads that fetch it with other keys in one round trip. */
  Cache<Object, Object> cache() {
    return meta;
  }

  /**
   * Takes in what a multi-get found under {@link #KEY} (null: absent). It was the clock at some moment before now, so
   * it is a safe lower bound and refreshes {@link #current()} without a round trip of its own. A value below one
   * already seen (the key was rebuilt by a node behind this one) or an absent key is left to the next read, which
   * pushes the clock forward.
   */
  void observeRead(Object stored) {
    if (stored instanceof Long value && value >= lastSeen.get()) {
      observe(value);
      markRead();
    }
  }

  private void markRead() {
    lastReadNanos = System.nanoTime();
    everRead = true;
  }

  /**
   * A transaction's caching timestamp: never above the clock as it stands (smaller than the result of any
   * {@link #advance()} that had not returned when this call started), and at least every clock value this JVM had
   * seen. Within {@code maxLag} of the last value seen (an advance, a read, a clock key fetched with an entry) it is
   * that value, without a round trip; otherwise the key is read, which with a zero lag also makes it at least the
   * result of every advance that had returned anywhere. {@link #UNAVAILABLE} when memcached cannot be reached.
   */
  public long current() {
    if (maxLagNanos > 0 && everRead && System.nanoTime() - lastReadNanos < maxLagNanos) {
      return lastSeen.get();
    }
    try {
      Object value = meta.get(KEY);
      if (value == null) {
        return advance();
      }
      long current = (Long) value;
      if (current < lastSeen.get()) {
        // the key went back: rebuilt by a node that had not seen as far as this one. Push it past what we saw
        return advance();
      }
      observe(current);
      markRead();
      return current;
    } catch (CacheException | ClassCastException e) {
      return UNAVAILABLE;
    }
  }

  /**
   * A fresh {@link #advance()}, or when the clock cannot be reached (its server is down or this node is cut off from
   * it), a bound that no value the clock issued should exceed: this node's {@link #now()} plus the maximum clock skew.
   * For evictions, which must happen even when the clock is away and may only err towards refusing loads.
   */
  public long stampOrBound() {
    try {
      return advance();
    } catch (CacheException | ClassCastException e) {
      return now() + rebuildMarginTicks;
    }
  }

  /** The highest clock value this JVM has seen (no round trip). */
  long seen() {
    return lastSeen.get();
  }

  /** For deadlines only: the later of local wall time and the cluster time seen. Skew makes a deadline early, never late. */
  public long now() {
    return Math.max(lastSeen.get(), localTicks());
  }

  private void observe(long value) {
    lastSeen.accumulateAndGet(value, Math::max);
  }

  private long localTicks() {
    return ClockTicks.fromMillis(wallMillis.getAsLong());
  }

  /** The atomic step: a pure function of the stored value and two constants captured before the call. */
  record Advance(long localTicks, long lastSeen, long rebuildMargin)
      implements EntryProcessor<Object, Object, Object>, Serializable {
    @Override
    public Object process(MutableEntry<Object, Object> entry, Object... arguments) {
      Long stored = entry.exists() && entry.getValue() instanceof Long value ? value : null;
      long next = ClockTicks.advance(stored, localTicks, lastSeen, rebuildMargin);
      entry.setValue(next);
      return next;
    }
  }
}
