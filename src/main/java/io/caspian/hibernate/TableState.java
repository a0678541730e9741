package io.caspian.hibernate;

import java.io.Serializable;

/**
 * Update-timestamps state of one table ("query space"), shared by all JVMs and changed only atomically.
 *
 * @param writers         transactions between preInvalidate and invalidate of this table
 * @param writersDeadline {@link ClusterClock#now()} value after which the writers are presumed dead (a crashed JVM
 *                        must not disable the query cache forever)
 * @param lastCommit      cluster-clock stamp of the latest invalidate (commit or rollback) of the table
 */
public record TableState(int writers, long writersDeadline, long lastCommit) implements Serializable {
  public static final TableState EMPTY = new TableState(0, 0L, 0L);

  /** Writers still presumed alive at {@code now}. */
  public int liveWriters(long now) {
    return now > writersDeadline ? 0 : writers;
  }

  /** preInvalidate of one transaction. */
  public static TableState beginWrite(TableState old, long deadline, long now) {
    TableState s = old == null ? EMPTY : old;
    int live = s.liveWriters(now);
    long until = live == 0 ? deadline : Math.max(s.writersDeadline, deadline);
    return new TableState(live + 1, until, s.lastCommit);
  }

  /** invalidate after a transaction that did pre-invalidate this table. */
  public static TableState endWrite(TableState old, long commitStamp, long now) {
    TableState s = old == null ? EMPTY : old;
    int live = Math.max(0, s.liveWriters(now) - 1);
    return new TableState(live, s.writersDeadline, Math.max(s.lastCommit, commitStamp));
  }

  /** invalidate by a transaction whose preInvalidate was not recorded (e.g. memcached was unreachable then). */
  public static TableState commitOnly(TableState old, long commitStamp) {
    TableState s = old == null ? EMPTY : old;
    return new TableState(s.writers, s.writersDeadline, Math.max(s.lastCommit, commitStamp));
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
    return lastCommit == 0L ? null : lastCommit - 1;
  }
}
