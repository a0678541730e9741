package io.caspian.memcached;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets a log line through at most once per interval, the first at once: for warnings whose frequency whoever
 * controls memcached (or its outage) would otherwise decide. Thread-safe; one caller wins each interval.
 */
public final class OncePerInterval {
  private final long intervalNanos;
  private final AtomicLong last;

  public OncePerInterval(java.time.Duration interval) {
    this.intervalNanos = interval.toNanos();
    this.last = new AtomicLong(System.nanoTime() - intervalNanos);
  }

  /** Whether the caller may log now (true at most once per interval). */
  public boolean permits() {
    long now = System.nanoTime();
    long previous = last.get();
    return now - previous >= intervalNanos && last.compareAndSet(previous, now);
  }
}
