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
   * The next cluster clock value: strictly above what is stored and what this JVM has already seen, and at least
   * local wall time. When nothing is stored (memcached lost the clock key: LRU, restart) the clock is rebuilt
   * {@code rebuildMargin} ahead of both: other nodes may have seen values up to their own wall time, which may be ahead
   * of ours by the clock skew; a rebuilt clock below a value already issued would order later events before earlier
   * ones.
   */
  public static long advance(Long stored, long localTicks, long lastSeen, long rebuildMargin) {
    if (stored == null) {
      return Math.max(lastSeen + 1, localTicks) + rebuildMargin;
    }
    return Math.max(Math.max(stored + 1, lastSeen + 1), localTicks);
  }
}
