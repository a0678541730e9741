package io.caspian.hibernate;

import java.util.concurrent.TimeUnit;

/**
 * Arithmetic of the cluster clock: ticks are 1/4096 ms (Hibernate's {@code SimpleTimestamper} resolution), so
 * thousands of advances per millisecond stay ahead of wall time and values stay comparable to local time.
 */
public final class ClockTicks {
  public static final long PER_MILLI = 4096L;

  private ClockTicks() {
  }

  public static long fromMillis(long millis) {
    return millis * PER_MILLI;
  }

  public static long of(long amount, TimeUnit unit) {
    return fromMillis(unit.toMillis(amount));
  }

  /**
   * The next cluster clock value: strictly above what is stored and what this JVM has already seen (the clock key
   * may have been lost with a memcached restart), and at least local wall time.
   */
  public static long advance(Long stored, long localTicks, long lastSeen) {
    long floor = Math.max(stored == null ? Long.MIN_VALUE : stored + 1, lastSeen + 1);
    return Math.max(floor, localTicks);
  }
}
