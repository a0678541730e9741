package io.caspian.hibernate.protocol;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Update-timestamps state of one table ("query space"), shared by all JVMs and changed only atomically.
 *
 * <p>Each in-flight writer holds its own lease, so a writer that never finishes (its JVM was killed, its invalidate
 * could not reach memcached) stops counting at its own deadline, however many other writers come and go meanwhile;
 * a shared count with a shared, ever-extended deadline would keep the table's query results uncacheable for as long
 * as writes continue.
 *
 * @param writers         writers counted without a lease (states written before leases existed); they count until
 *                        {@code writersDeadline}
 * @param writersDeadline {@code ClusterClock.now()} value after which the lease-less writers are presumed dead
 * @param lastCommit      cluster-clock stamp of the latest invalidate (commit or rollback) of the table
 * @param leases          the in-flight writers, each presumed dead after its own deadline
 */
public record TableState(int writers, long writersDeadline, long lastCommit, List<SoftLockState.Lease> leases)
    implements Serializable {
  public static final TableState EMPTY = new TableState(0, 0L, 0L, List.of());

  public TableState {
    // null only from Java deserialization of the pre-lease shape
    leases = leases == null ? List.of() : List.copyOf(leases);
  }

  /** A state without leases (the pre-lease shape). */
  public TableState(int writers, long writersDeadline, long lastCommit) {
    this(writers, writersDeadline, lastCommit, List.of());
  }

  /** Writers still presumed alive at {@code now}. */
  public int liveWriters(long now) {
    int live = now > writersDeadline ? 0 : writers;
    for (SoftLockState.Lease lease : leases) {
      if (!lease.isExpiredAt(now)) {
        live++;
      }
    }
    return live;
  }

  /** preInvalidate of the transaction {@code writer}, presumed dead after {@code deadline}. */
  public static TableState beginWrite(TableState old, LockId writer, long deadline, long now) {
    TableState s = old == null ? EMPTY : old;
    List<SoftLockState.Lease> next = s.liveLeasesExcept(writer, now);
    next.add(new SoftLockState.Lease(writer, deadline));
    return new TableState(s.liveLegacyWriters(now), s.writersDeadline, s.lastCommitSeenAt(now), next);
  }

  /**
   * The transaction holding lease {@code from} goes on under {@code to} (its node renewed its identity, see
   * NodeLiveness): the new lease replaces the old one, so the table stays written until that transaction ends.
   */
  public static TableState handOver(TableState old, LockId from, LockId to, long deadline, long now) {
    TableState s = beginWrite(old, to, deadline, now);
    List<SoftLockState.Lease> leases = new ArrayList<>(s.leases);
    leases.removeIf(lease -> lease.id().equals(from));
    return new TableState(s.writers, s.writersDeadline, s.lastCommit, leases);
  }

  /** invalidate after the transaction {@code writer} did pre-invalidate this table. */
  public static TableState endWrite(TableState old, LockId writer, long commitStamp, long now) {
    TableState s = old == null ? EMPTY : old;
    return new TableState(s.liveLegacyWriters(now), s.writersDeadline, Math.max(s.lastCommitSeenAt(now), commitStamp),
        s.liveLeasesExcept(writer, now));
  }

  /** invalidate by a transaction whose preInvalidate was not recorded (e.g. memcached was unreachable then). */
  public static TableState commitOnly(TableState old, long commitStamp) {
    TableState s = old == null ? EMPTY : old;
    return new TableState(s.writers, s.writersDeadline, Math.max(s.lastCommit, commitStamp), s.leases);
  }

  /**
   * The state of a table whose entry memcached lost (LRU, restart) or never had: nothing says when it was last
   * written, so it counts as written at {@code stamp}, a fresh cluster stamp; every query result computed before is
   * stale. Reading a lost state as "never written" would serve results older than the last commit again.
   */
  public static TableState writtenAt(long stamp) {
    return new TableState(0, 0L, stamp, List.of());
  }

  /**
   * The value Hibernate's {@code TimestampsCache} should see as "last update": it deems a query result stale iff
   * {@code lastUpdate >= resultTimestamp}. While writers are in flight every result is stale; otherwise a result
   * is stale iff its transaction began before the last commit ({@code resultTimestamp < lastCommit}).
   *
   * @return null when no result is stale
   */
  public Long lastUpdateSeenBy(long now) {
    if (liveWriters(now) > 0) {
      return Long.MAX_VALUE;
    }
    long last = lastCommitSeenAt(now);
    return last == 0L ? null : last - 1;
  }

  /**
   * The last commit, counting each writer presumed dead at {@code now} as committed at its deadline: it may have
   * committed in the database and died before recording it, so results computed before its deadline may predate
   * its commit. Forgetting it instead would make exactly those results servable when its lease lapses.
   */
  long lastCommitSeenAt(long now) {
    long last = lastCommit;
    if (writers > 0 && now > writersDeadline) {
      last = Math.max(last, writersDeadline);
    }
    for (SoftLockState.Lease lease : leases) {
      if (lease.isExpiredAt(now)) {
        last = Math.max(last, lease.deadline());
      }
    }
    return last;
  }

  private int liveLegacyWriters(long now) {
    return now > writersDeadline ? 0 : writers;
  }

  private List<SoftLockState.Lease> liveLeasesExcept(LockId writer, long now) {
    List<SoftLockState.Lease> live = new ArrayList<>(leases.size() + 1);
    for (SoftLockState.Lease lease : leases) {
      if (!lease.isExpiredAt(now) && !lease.id().equals(writer)) {
        live.add(lease);
      }
    }
    return live;
  }
}
