package io.caspian.hibernate;

/**
 * A soft lock: one or more transactions are changing the row, so nobody may read the entry and a load may only
 * replace it under the rules of {@link ReadWriteTransitions#putFromLoad}.
 *
 * @param id              identity of the lock; unlock/afterUpdate only act on a lock with the same id
 * @param deadline        {@link ClusterClock#now()} value after which the lock is considered abandoned
 * @param version         the highest version any locker saw (null when unversioned or unknown); a load must be
 *                        newer than it, so a late load of an intermediate version cannot be cached
 * @param holders         number of transactions holding the lock; 0 means "released, remembers the unlock"
 * @param concurrent      whether more than one transaction ever held it; then nobody publishes its own value,
 *                        since which of the concurrent writes the database kept is unknown here
 * @param unlockTimestamp cluster-clock time of the last release; for unversioned data only transactions that
 *                        began at or after it may replace the lock with a loaded value
 */
public record SoftLockState(
    LockId id, long deadline, Object version, int holders, boolean concurrent, long unlockTimestamp)
    implements ReadWriteState {

  public SoftLockState {
    if (holders < 0) {
      throw new IllegalArgumentException("holders < 0: " + holders);
    }
  }

  /** A fresh lock held by one transaction. */
  public static SoftLockState held(LockId id, long deadline, Object version) {
    return new SoftLockState(id, deadline, version, 1, false, 0L);
  }

  /**
   * A released lock whose releaser does not know what value its write left in the database: only loads by
   * transactions that began at or after {@code unlockTimestamp} may replace it.
   */
  public static SoftLockState released(LockId id, long unlockTimestamp) {
    return new SoftLockState(id, unlockTimestamp, null, 0, true, unlockTimestamp);
  }

  public boolean isHeld() {
    return holders > 0;
  }

  public boolean isExpiredAt(long now) {
    return now > deadline;
  }
}
