package io.caspian.hibernate;

/**
 * Hibernate's READ_WRITE soft-lock protocol as pure functions from the old state of one key to its new state.
 * Each function is the body of exactly one atomic {@code Cache.invoke}, so it must depend on nothing but its
 * arguments: the JCache provider may run it more than once when another JVM changed the key meanwhile.
 *
 * <p>Timestamps: {@code txTimestamp} is the caching timestamp of the Hibernate transaction (cluster clock read at
 * its start), {@code stamp} a fresh {@link ClusterClock#advance()} value, {@code now} a {@link ClusterClock#now()}
 * value used only against lock deadlines. See docs/hibernate-design.md for the table of transitions.
 */
public final class ReadWriteTransitions {
  private ReadWriteTransitions() {
  }

  /** The value a transaction started at {@code txTimestamp} may read, or null. */
  public static Object read(ReadWriteState state, long txTimestamp) {
    return state instanceof CachedItem item && item.isReadableAt(txTimestamp) ? item.value() : null;
  }

  /**
   * lockItem: a fresh lock, or join the lock already there. Joining keeps the highest version any locker saw, so a
   * late load of a version an earlier concurrent writer produced cannot pass the check once all are released.
   * A released lock is re-taken by us alone (its writers are done, our write comes after theirs); an expired held
   * lock is taken over, forgetting its version since its abandoned writer's outcome is unknown.
   */
  public static SoftLockState lock(
      ReadWriteState old, LockId newId, Object version, long deadline, long now, VersionOrder order) {
    if (old instanceof SoftLockState lock) {
      if (!lock.isHeld()) {
        return new SoftLockState(
            newId, deadline, order.max(lock.version(), version), 1, false, lock.unlockTimestamp());
      }
      if (lock.isExpiredAt(now)) {
        return new SoftLockState(newId, deadline, null, 1, true, lock.unlockTimestamp());
      }
      return new SoftLockState(
          lock.id(),
          Math.max(lock.deadline(), deadline),
          order.max(lock.version(), version),
          lock.holders() + 1,
          true,
          lock.unlockTimestamp());
    }
    Object itemVersion = old instanceof CachedItem item ? item.version() : null;
    return SoftLockState.held(newId, deadline, order.max(itemVersion, version));
  }

  /**
   * unlockItem: release our hold. If our lock is gone (expired and replaced, or evicted), leave a released lock
   * stamped now so that no load begun before our write can be cached; never destroy another writer's held lock,
   * only mark it concurrent so its owner will not publish a value that may predate ours.
   */
  public static ReadWriteState unlock(ReadWriteState old, LockId id, long stamp) {
    if (old instanceof SoftLockState lock) {
      if (lock.id().equals(id)) {
        int holders = Math.max(0, lock.holders() - 1);
        long unlockedAt = holders == 0 ? Math.max(lock.unlockTimestamp(), stamp) : lock.unlockTimestamp();
        return new SoftLockState(lock.id(), lock.deadline(), lock.version(), holders, lock.concurrent(), unlockedAt);
      }
      if (lock.isHeld()) {
        // our write's version is unknown here, so the version rule is void: fall back to the timestamp rule
        return new SoftLockState(lock.id(), lock.deadline(), null, lock.holders(), true, lock.unlockTimestamp());
      }
      return SoftLockState.released(lock.id(), Math.max(lock.unlockTimestamp(), stamp));
    }
    return SoftLockState.released(id, stamp);
  }

  /**
   * afterUpdate (entities; natural ids with a null version): publish the new value if we were the only writer,
   * otherwise just release. Atomic with any concurrent lockItem, so a lock taken meanwhile is never overwritten.
   */
  public static Step afterUpdate(ReadWriteState old, LockId id, Object value, Object version, long stamp) {
    if (old instanceof SoftLockState lock && lock.id().equals(id) && !lock.concurrent() && lock.holders() == 1) {
      return new Step(new CachedItem(value, version, stamp), true);
    }
    return new Step(unlock(old, id, stamp), false);
  }

  /** afterInsert: cache the new row only if nothing (in particular no lock) is there. */
  public static Step afterInsert(ReadWriteState old, Object value, Object version, long stamp) {
    return old == null ? new Step(new CachedItem(value, version, stamp), true) : Step.unchanged(old);
  }

  /**
   * putFromLoad (both forms): cache a value read from the database unless it may be older than what the entry
   * protects. A held, unexpired lock always wins, which is what stops a load read before another node's update
   * from overwriting that node's lock.
   */
  public static Step putFromLoad(
      ReadWriteState old,
      Object value,
      Object version,
      long txTimestamp,
      long now,
      boolean minimalPut,
      VersionOrder order) {
    if (old == null) {
      return new Step(new CachedItem(value, version, txTimestamp), true);
    }
    if (!isWritable(old, version, txTimestamp, now, order)) {
      return Step.unchanged(old);
    }
    if (minimalPut && version == null) {
      // nothing to compare with, and minimal puts say: assume what is cached is not stale
      return Step.unchanged(old);
    }
    return new Step(new CachedItem(value, version, txTimestamp), true);
  }

  /**
   * putFromLoad over an item another mapping wrote (a rolling deploy), which this node cannot read: replace it when
   * the load is at least as fresh, so that entries of a retired mapping do not stay unreadable until the row changes.
   * An item stays until an update replaces it, so no update came after its timestamp; a load that began at or after
   * that saw the same row. The item's version, when comparable, must not be newer (it may have been cached by the
   * version rule after a write our load predates); an incomparable version keeps the item.
   */
  public static Step replaceForeign(
      CachedItem item, Object value, Object version, long txTimestamp, VersionOrder order) {
    boolean fresh = txTimestamp >= item.timestamp()
        && (item.version() == null || order.isAtMost(item.version(), version));
    return fresh ? new Step(new CachedItem(value, version, txTimestamp), true) : Step.unchanged(item);
  }

  private static boolean isWritable(
      ReadWriteState old, Object version, long txTimestamp, long now, VersionOrder order) {
    if (old instanceof CachedItem item) {
      return order.isNewer(item.version(), version);
    }
    SoftLockState lock = (SoftLockState) old;
    if (lock.isExpiredAt(now)) {
      return true;
    }
    if (lock.isHeld()) {
      return false;
    }
    if (lock.version() != null) {
      return order.isNewer(lock.version(), version);
    }
    return txTimestamp >= lock.unlockTimestamp();
  }

  /** remove: delete the entry unless it is a lock; check and delete are one step, so a fresh lock survives. */
  public static Step remove(ReadWriteState old) {
    if (old == null || old instanceof SoftLockState) {
      return Step.unchanged(old);
    }
    return new Step(null, true);
  }
}
