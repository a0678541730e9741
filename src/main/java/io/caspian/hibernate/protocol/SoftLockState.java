package io.caspian.hibernate.protocol;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * A soft lock: one or more transactions are changing the row, so nobody may read the entry and a load may only
 * replace it under the rules of {@link ReadWriteTransitions#putFromLoad}.
 *
 * <p>Each transaction holding the lock has its own {@link Lease} with its own deadline, so a holder that never
 * releases (its JVM died, or its release could not reach memcached) stops counting when its own lease expires,
 * whatever other writers keep joining; a shared count and deadline would let continuous joiners keep such a ghost
 * alive, and the key uncacheable, for as long as writes keep coming.
 *
 * @param leases          the holders, in a canonical order (by lock id); empty means "released, remembers the
 *                        unlock". Leases may be expired: transitions drop them when they see the state
 * @param deadline        for a held lock, the latest lease deadline (computed here from the leases, whatever was
 *                        given); for a released lock, informational only: a released lock protects until a load
 *                        passes the version or timestamp rule, never until a time runs out
 * @param version         the highest version any locker saw (null when unversioned or unknown); a load must be
 *                        newer than it, so a late load of an intermediate version cannot be cached
 * @param concurrent      whether more than one transaction ever held it; then nobody publishes its own value,
 *                        since which of the concurrent writes the database kept is unknown here
 * @param unlockTimestamp cluster-clock time of the last release; for unversioned data only transactions that
 *                        began at or after it may replace the lock with a loaded value
 */
public record SoftLockState(
    List<Lease> leases, long deadline, Object version, boolean concurrent, long unlockTimestamp)
    implements ReadWriteState {

  /**
   * One transaction's hold on the lock.
   *
   * @param id       the handle its {@code lockItem} returned; its unlock/afterUpdate only act on this lease
   * @param deadline {@code ClusterClock.now()} value after which this holder is presumed dead
   */
  public record Lease(LockId id, long deadline) implements Serializable {
    public Lease {
      if (id == null) {
        throw new IllegalArgumentException("lease without id");
      }
    }

    public boolean isExpiredAt(long now) {
      return now > deadline;
    }
  }

  /** The holder of a lock written by Caspian before leases existed: it can only expire. */
  public static final LockId LEGACY_HOLDER = new LockId(new UUID(0L, 0L), 0L);

  private static final Comparator<Lease> CANONICAL =
      Comparator.comparing((Lease l) -> l.id().node()).thenComparingLong(l -> l.id().sequence());

  public SoftLockState {
    if (leases == null) {
      // Only Java deserialization of the pre-lease shape (id, deadline, version, holders, ...) passes null: its
      // holders are unknown here, so it is treated as held by one anonymous lease until its deadline
      leases = List.of(new Lease(LEGACY_HOLDER, deadline));
      concurrent = true;
    } else {
      List<Lease> sorted = new ArrayList<>(leases);
      sorted.sort(CANONICAL);
      for (int i = 1; i < sorted.size(); i++) {
        if (sorted.get(i - 1).id().equals(sorted.get(i).id())) {
          throw new IllegalArgumentException("two leases of " + sorted.get(i).id());
        }
      }
      leases = List.copyOf(sorted);
    }
    if (!leases.isEmpty()) {
      long latest = Long.MIN_VALUE;
      for (Lease lease : leases) {
        latest = Math.max(latest, lease.deadline());
      }
      deadline = latest;
    }
  }

  /** A fresh lock held by one transaction. */
  public static SoftLockState held(LockId id, long deadline, Object version) {
    return new SoftLockState(List.of(new Lease(id, deadline)), deadline, version, false, 0L);
  }

  /** A lock held by {@code leases} (not empty). */
  public static SoftLockState held(List<Lease> leases, Object version, boolean concurrent, long unlockTimestamp) {
    if (leases.isEmpty()) {
      throw new IllegalArgumentException("a held lock needs a lease");
    }
    return new SoftLockState(leases, 0L, version, concurrent, unlockTimestamp);
  }

  /**
   * A released lock whose releaser does not know what value its write left in the database: only loads by
   * transactions that began at or after {@code unlockTimestamp} may replace it.
   */
  public static SoftLockState released(long unlockTimestamp) {
    return new SoftLockState(List.of(), unlockTimestamp, null, true, unlockTimestamp);
  }

  /** At least one lease, possibly expired (see {@link #isExpiredAt}). */
  public boolean isHeld() {
    return !leases.isEmpty();
  }

  /** Number of leases, expired ones included. */
  public int holders() {
    return leases.size();
  }

  /** For a held lock: every lease has expired; for a released one: its memory of the release has. */
  public boolean isExpiredAt(long now) {
    return now > deadline;
  }

  /**
   * The cluster time after which a load may replace this lock by timestamp: its last unlock, or for a held lock whose
   * leases all expired, their deadline (until then its presumed-dead writers may still have committed).
   */
  public long releasedAt() {
    return isHeld() ? Math.max(unlockTimestamp, deadline) : unlockTimestamp;
  }

  /** The leases that have not expired at {@code now}. */
  public List<Lease> leasesLiveAt(long now) {
    List<Lease> live = new ArrayList<>(leases.size());
    for (Lease lease : leases) {
      if (!lease.isExpiredAt(now)) {
        live.add(lease);
      }
    }
    return live;
  }

  /** Whether {@code id} has a lease here, expired or not. */
  public boolean holds(LockId id) {
    for (Lease lease : leases) {
      if (lease.id().equals(id)) {
        return true;
      }
    }
    return false;
  }
}
