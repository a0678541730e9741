package io.caspian.hibernate.protocol;

import io.caspian.hibernate.protocol.SoftLockState.Lease;
import java.util.List;

/**
 * Hibernate's READ_WRITE soft-lock protocol as pure functions from the old state of one key to its new state.
 * Each function is the body of exactly one atomic {@code Cache.invoke}, so it must depend on nothing but its
 * arguments: the JCache provider may run it more than once when another JVM changed the key meanwhile.
 *
 * <p>Timestamps: {@code txTimestamp} is the caching timestamp of the Hibernate transaction (a cluster clock value
 * this JVM had seen when it began: never above the clock at its start), {@code stamp} a fresh
 * {@code ClusterClock.advance()} value, {@code now} a {@code ClusterClock.now()}
 * value used only against lock deadlines. See docs/hibernate-design.md for the table of transitions.
 */
public final class ReadWriteTransitions {
  private ReadWriteTransitions() {
  }

  /**
   * The value any transaction may read, or null. No timestamp is compared: an item is only ever present while no
   * write of its key is in progress (a writer replaces it with a lock before its statement and publishes after its
   * commit, and a load is cached only when no commit or eviction came after the load began), so it is as new as the
   * database for every reader. Stock Hibernate also hides items cached after the reader's transaction began; with a
   * caching timestamp that may lag (see {@code ClusterClock.current()}) that rule would only turn current items into
   * misses.
   */
  public static Object read(ReadWriteState state) {
    return state instanceof CachedItem item ? item.value() : null;
  }

  /**
   * lockItem: a fresh lock, or join the lock already there with a lease of our own. Joining keeps the highest
   * version any locker saw, so a late load of a version an earlier concurrent writer produced cannot pass the check
   * once all are released; it drops the leases expired at {@code now} and never prolongs the others'.
   * A released lock is re-taken by us alone (its writers are done, our write comes after theirs); a held lock whose
   * leases have all expired is taken over, forgetting its version since its abandoned writers' outcome is unknown.
   */
  public static SoftLockState lock(
      ReadWriteState old, LockId newId, Object version, long deadline, long now, VersionOrder order) {
    Lease ours = new Lease(newId, deadline);
    if (old instanceof SoftLockState lock) {
      if (lock.holds(newId)) {
        return lock; // this very lockItem already applied (a retried write)
      }
      if (!lock.isHeld()) {
        return SoftLockState.held(List.of(ours), order.max(lock.version(), version), false, lock.unlockTimestamp());
      }
      if (lock.isExpiredAt(now)) {
        return SoftLockState.held(List.of(ours), null, true, lock.releasedAt());
      }
      List<Lease> joined = lock.leasesLiveAt(now);
      joined.add(ours);
      return SoftLockState.held(joined, order.max(lock.version(), version), true, lock.unlockTimestamp());
    }
    Object itemVersion = old instanceof CachedItem item ? item.version() : null;
    return SoftLockState.held(newId, deadline, order.max(itemVersion, version));
  }

  /**
   * unlockItem: drop our lease (and every lease expired at {@code stamp}); the last one leaves a released lock.
   * If our lease is gone (expired, lock replaced or evicted), leave a released lock stamped now so that no load
   * begun before our write can be cached; never destroy another writer's held lock, only mark it concurrent so its
   * owner will not publish a value that may predate ours.
   */
  public static ReadWriteState unlock(ReadWriteState old, LockId id, long stamp) {
    if (old instanceof SoftLockState lock) {
      List<Lease> live = lock.leasesLiveAt(stamp);
      if (live.removeIf(lease -> lease.id().equals(id))) {
        if (live.isEmpty()) {
          return new SoftLockState(List.of(), lock.deadline(), lock.version(), lock.concurrent(),
              Math.max(lock.unlockTimestamp(), stamp));
        }
        return SoftLockState.held(live, lock.version(), lock.concurrent(), lock.unlockTimestamp());
      }
      if (!live.isEmpty()) {
        // our write's version is unknown here, so the version rule is void: fall back to the timestamp rule
        return SoftLockState.held(live, null, true, lock.unlockTimestamp());
      }
      long unlockedAt = Math.max(lock.unlockTimestamp(), stamp);
      // a released lock's memory of earlier releases is never shortened
      return new SoftLockState(List.of(), Math.max(lock.deadline(), unlockedAt), null, true, unlockedAt);
    }
    return SoftLockState.released(stamp);
  }

  /**
   * afterUpdate (entities; natural ids with a null version): publish the new value if we were the only writer ever
   * and our lease is still live, otherwise just release. Atomic with any concurrent lockItem, so a lock taken
   * meanwhile is never overwritten.
   */
  public static Step afterUpdate(ReadWriteState old, LockId id, Object value, Object version, long stamp) {
    if (old instanceof SoftLockState lock && !lock.concurrent() && lock.holders() == 1) {
      Lease only = lock.leases().get(0);
      if (only.id().equals(id) && !only.isExpiredAt(stamp)) {
        return new Step(new CachedItem(value, version, stamp), true);
      }
    }
    return new Step(unlock(old, id, stamp), false);
  }

  /** afterInsert: cache the new row only if nothing (in particular no lock) is there. */
  public static Step afterInsert(ReadWriteState old, Object value, Object version, long stamp) {
    return old == null ? new Step(new CachedItem(value, version, stamp), true) : Step.unchanged(old);
  }

  /**
   * putFromLoad (both forms): cache a value read from the database unless it may be older than what the entry
   * protects. A held lock with at least one unexpired lease always wins, which is what stops a load read before
   * another node's update from overwriting that node's lock. A refused load writes nothing (expired leases are not
   * dropped here: they already count for nothing).
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

  /**
   * Whether a load may replace a state that is not empty. A lock protects by version or by the unlock's cluster
   * stamp, never by the passing of time: a released lock (a tombstone) stays until a load that is provably not
   * older than the writes it remembers comes along, however long the loading transaction ran. A held lock whose
   * leases all expired is treated as released at its deadline, the latest moment its presumed-dead writers could
   * have committed.
   */
  private static boolean isWritable(
      ReadWriteState old, Object version, long txTimestamp, long now, VersionOrder order) {
    if (old instanceof CachedItem item) {
      return order.isNewer(item.version(), version);
    }
    SoftLockState lock = (SoftLockState) old;
    if (lock.isHeld() && !lock.isExpiredAt(now)) {
      return false;
    }
    return order.isNewer(lock.version(), version) || txTimestamp >= lock.releasedAt();
  }

  /**
   * evict (an explicit per-key eviction, a natural-id resolution removed): forget the value, but never what
   * protects the key. Leaves a released lock stamped {@code stamp}, so a load read before the eviction (before the
   * change that caused it: a native SQL update, a delete) cannot be cached after it; its version is forgotten since
   * the change behind an eviction need not have moved it. Live leases are kept and marked concurrent, so their
   * writers only release: their value may predate the change the eviction stands for.
   */
  public static SoftLockState evict(ReadWriteState old, long stamp) {
    if (old instanceof SoftLockState lock) {
      long unlockedAt = Math.max(lock.unlockTimestamp(), stamp);
      List<Lease> live = lock.leasesLiveAt(stamp);
      return live.isEmpty() ? SoftLockState.released(unlockedAt) : SoftLockState.held(live, null, true, unlockedAt);
    }
    return SoftLockState.released(stamp);
  }

  /** remove: delete the entry unless it is a lock; check and delete are one step, so a fresh lock survives. */
  public static Step remove(ReadWriteState old) {
    if (old == null || old instanceof SoftLockState) {
      return Step.unchanged(old);
    }
    return new Step(null, true);
  }
}
