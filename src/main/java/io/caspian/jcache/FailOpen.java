package io.caspian.jcache;

import io.caspian.memcached.MemcachedUnavailableException;
import java.util.function.Supplier;
import javax.cache.CacheException;

/**
 * What a cache does when memcached cannot be reached, with {@code caspian.fail-open=true}: a read is a miss and a
 * plain write is skipped, counted and logged (at most once a minute), as the Hibernate regions behave; without it
 * (the default) the {@link CacheException} reaches the caller. Conditional operations and entry processors always
 * throw: their answer would otherwise be a guess.
 *
 * <p>A skipped write or removal leaves whatever the unreachable server held: if it was only cut off, not
 * restarted, it may serve an older value once it is back. Use it for caches where a stale value for the length of
 * the entry's expiry is acceptable (typical {@code @Cacheable} use), not for coordination.
 */
final class FailOpen {
  private static final System.Logger LOG = System.getLogger(FailOpen.class.getName());

  private final boolean enabled;
  private final String cacheName;
  private final io.caspian.memcached.TransportStats stats;
  private final io.caspian.memcached.OncePerInterval warnings =
      new io.caspian.memcached.OncePerInterval(java.time.Duration.ofMinutes(1));

  FailOpen(boolean enabled, String cacheName, io.caspian.memcached.TransportStats stats) {
    this.enabled = enabled;
    this.cacheName = cacheName;
    this.stats = stats;
  }

  /** {@code read}'s answer, or {@code miss} when memcached cannot be reached and the cache fails open. */
  <T> T read(Supplier<T> read, T miss) {
    try {
      return read.get();
    } catch (CacheException e) {
      absorb(e, "read as a miss");
      return miss;
    }
  }

  /** Runs {@code write}, or skips it when memcached cannot be reached and the cache fails open. */
  void write(Runnable write) {
    try {
      write.run();
    } catch (CacheException e) {
      absorb(e, "write skipped");
    }
  }

  private void absorb(CacheException e, String what) {
    if (!enabled || !(e.getCause() instanceof MemcachedUnavailableException)) {
      throw e;
    }
    stats.recordFailOpen();
    if (warnings.permits()) {
      LOG.log(System.Logger.Level.WARNING, () -> "cache " + cacheName + ": " + what + " (caspian.fail-open): "
          + e.getMessage() + "; " + stats.failOpen() + " such operations so far (FailOpenSkips)");
    }
  }
}
