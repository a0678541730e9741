package io.caspian.hibernate.protocol;

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
      return rebuilt(localTicks, lastSeen, rebuildMargin);
    }
    return Math.max(Math.max(stored + 1, lastSeen + 1), localTicks);
  }

  /** Where a lost clock restarts: {@code rebuildMargin} ahead of local wall time and of everything seen. */
  public static long rebuilt(long localTicks, long lastSeen, long rebuildMargin) {
    return Math.max(lastSeen + 1, localTicks) + rebuildMargin;
  }

  /**
   * What to add to the clock with one atomic increment instead of {@link #advance}'s read-and-CAS: the gap between
   * local wall time and the clock as last seen (or as another thread of this node already caught it up to), at least
   * 1. The clock then ends at or above local wall time when the stored value is at {@code lastSeen} and nobody caught
   * up before; it may overshoot by how far the clock moved since it was seen. That overshoot cannot accumulate: once
   * the clock is ahead of a node's wall time by more than that node's view is old, the node's increment is 1.
   *
   * @param lastSeen the highest value this JVM has seen, or {@code Long.MIN_VALUE / 2} or below when none
   * @param gap      local wall time minus the higher of {@code lastSeen} and what this node already caught up to
   */
  public static long increment(long lastSeen, long gap) {
    if (lastSeen <= Long.MIN_VALUE / 2) {
      return 1;
    }
    return Math.max(1, gap);
  }
}
