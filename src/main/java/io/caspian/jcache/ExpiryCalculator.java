package io.caspian.jcache;

import java.util.function.Supplier;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;

/**
 * Turns an {@link ExpiryPolicy}'s durations into absolute deadlines in epoch milliseconds. A policy that throws is
 * treated as having returned null (keep the current deadline), or eternal on creation, as the specification asks
 * implementations to do with policy failures.
 */
final class ExpiryCalculator {
  /** Returned by {@link #onAccess} and {@link #onUpdate} when the policy leaves the deadline as it was. */
  static final long UNCHANGED = Long.MIN_VALUE;

  private final ExpiryPolicy policy;
  private final boolean eternal;

  ExpiryCalculator(ExpiryPolicy policy) {
    this.policy = policy;
    this.eternal = policy instanceof javax.cache.expiry.EternalExpiryPolicy;
  }

  ExpiryPolicy policy() {
    return policy;
  }

  /** True when no entry ever expires and no access or update changes a deadline. */
  boolean isEternal() {
    return eternal;
  }

  /** The deadline of a new entry; {@code <= now} means it expires at once and must not be stored. */
  long onCreation(long now) {
    Duration d = call(policy::getExpiryForCreation);
    return d == null ? StoredEntry.ETERNAL : deadline(d, now);
  }

  /** The new deadline after an update, or {@link #UNCHANGED}. */
  long onUpdate(long now) {
    Duration d = call(policy::getExpiryForUpdate);
    return d == null ? UNCHANGED : deadline(d, now);
  }

  /** The new deadline after a read, or {@link #UNCHANGED}. */
  long onAccess(long now) {
    if (eternal) {
      return UNCHANGED;
    }
    Duration d = call(policy::getExpiryForAccess);
    return d == null ? UNCHANGED : deadline(d, now);
  }

  private static Duration call(Supplier<Duration> supplier) {
    try {
      return supplier.get();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static long deadline(Duration d, long now) {
    if (d.isEternal()) {
      return StoredEntry.ETERNAL;
    }
    if (d.isZero()) {
      return now;
    }
    long millis = d.getTimeUnit().toMillis(d.getDurationAmount());
    long at = now + Math.max(millis, 1);
    return at < now ? StoredEntry.ETERNAL : at;
  }
}
