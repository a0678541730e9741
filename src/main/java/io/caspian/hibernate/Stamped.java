package io.caspian.hibernate;

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
   * @param state the state, or null when the entry belongs to an evicted epoch. Held soft locks survive eviction:
   *              they are not data but a promise that a writer is in flight.
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
    boolean heldLock = stored.state instanceof SoftLockState lock && lock.isHeld();
    return new View(epoch, heldLock ? stored.state : null);
  }

  /** The state a reader at {@code epoch} may see (no carrying forward of locks matters for reading: locks read as misses). */
  public static Object visible(Stamped stored, long epoch) {
    return stored == null || stored.epoch < epoch ? null : stored.state;
  }
}
