package io.caspian.hibernate.protocol;

import java.io.Serializable;

/**
 * What Caspian stores in memcached for a region entry: the state plus the region epoch it was written in.
 * An entry from an older epoch was evicted by {@code evictAll}; see {@link #resolve}.
 */
public record Stamped(long epoch, Object state) implements Serializable {

  /**
   * The live view of a stored entry for a caller who last saw region epoch {@code epoch}.
   *
   * @param epoch the epoch to write back with: the newer of the caller's and the entry's (an entry from a newer
   *              epoch proves that epoch exists; writing an older one over it would silently delete it)
   * @param state the state, or null when the entry belongs to an evicted epoch; see {@link #carriedForward} for what
   *              survives an eviction
   */
  public record View(long epoch, Object state) {
  }

  public static View resolve(Stamped stored, long epoch) {
    if (stored == null) {
      return new View(epoch, null);
    }
    if (stored.epoch >= epoch) {
      return new View(stored.epoch, stored.state);
    }
    return new View(epoch, carriedForward(stored.state, epoch));
  }

  /**
   * What of a state from an evicted epoch still counts in epoch {@code epoch}: nothing, except what protects the
   * key. A held soft lock is carried as it is (a writer is in flight). A state stamped at or after the eviction was
   * written by a node that had read the epoch just before the eviction landed: it is not covered by the eviction,
   * so it is carried as a released lock at its stamp (not as data: its value may predate what the eviction stands
   * for); otherwise a release racing an eviction would vanish and let an older load in.
   */
  static Object carriedForward(Object state, long epoch) {
    if (state instanceof SoftLockState lock) {
      if (lock.isHeld()) {
        return lock;
      }
      return lock.unlockTimestamp() >= epoch ? SoftLockState.released(lock.unlockTimestamp()) : null;
    }
    if (state instanceof CachedItem item && item.timestamp() >= epoch) {
      return SoftLockState.released(item.timestamp());
    }
    return null;
  }

  /** The state a reader at {@code epoch} may see (no carrying forward of locks matters for reading: locks read as misses). */
  public static Object visible(Stamped stored, long epoch) {
    return stored == null || stored.epoch < epoch ? null : stored.state;
  }
}
