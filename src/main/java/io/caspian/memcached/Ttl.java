package io.caspian.memcached;

/**
 * memcached expiry times: whole seconds, where 0 means never and a value over 30 days is read as a Unix time.
 * Caspian keeps the exact deadline inside the entry; the server TTL only lets memcached reclaim the item later.
 */
public final class Ttl {
  /** The longest relative TTL memcached accepts. */
  public static final int MAX_RELATIVE_SECONDS = 30 * 24 * 3600;

  private Ttl() {}

  /**
   * The server TTL for an entry that expires at {@code deadlineMillis} ({@code Long.MAX_VALUE}: never), rounded up
   * and with a second of slack so that the server never drops an entry before its deadline.
   */
  public static int forDeadline(long deadlineMillis, long nowMillis) {
    if (deadlineMillis == Long.MAX_VALUE) {
      return 0;
    }
    long remaining = deadlineMillis - nowMillis;
    if (remaining <= 0) {
      return 1;
    }
    long seconds = (remaining + 999) / 1000 + 1;
    return seconds > MAX_RELATIVE_SECONDS ? 0 : (int) seconds;
  }
}
