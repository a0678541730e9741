package io.caspian.hibernate;

import io.caspian.hibernate.protocol.EndedNodes;
import io.caspian.hibernate.protocol.LockId;
import io.caspian.hibernate.protocol.TableState;
import java.io.Serializable;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;
import org.hibernate.cache.spi.support.StorageAccess;
import org.hibernate.engine.spi.SharedSessionContractImplementor;

/**
 * The update-timestamps region: one {@link TableState} per table, changed only by atomic transitions, read by
 * Hibernate's stock {@code TimestampsCacheEnabledImpl} as a "last update" timestamp. See docs/hibernate-design.md.
 */
public final class TimestampsStore implements StorageAccess {
  private final Cache<Object, Object> cache;
  private final ClusterClock clock;
  private final long writerTimeoutTicks;
  private final Runnable onLostCommit;
  private final java.util.function.BiConsumer<String, Runnable> afterCommit;
  private final java.util.function.Consumer<String> settle;
  private final java.util.function.Supplier<NodeLiveness> liveness;
  /** The cache as a Caspian cache, for the stamp and the state read in one round trip; null when it is not one. */
  private final io.caspian.jcache.ServerAwareCache<Object, Object> servers;

  /**
   * @param onLostCommit run when a commit could not be recorded: query results computed before it would otherwise
   *                     be served once the table's writer count times out, so the query-results region is emptied
   */
  public TimestampsStore(Cache<Object, Object> cache, ClusterClock clock, long writerTimeoutTicks, Runnable onLostCommit) {
    this(cache, clock, writerTimeoutTicks, onLostCommit, (space, work) -> work.run(), space -> { }, () -> null);
  }

  /**
   * @param afterCommit runs a transaction's commit records; the writer's lease keeps the table's query results stale
   *     until they land, so they may run after the transaction has returned (see {@link CompletionQueue})
   */
  TimestampsStore(Cache<Object, Object> cache, ClusterClock clock, long writerTimeoutTicks, Runnable onLostCommit,
      java.util.function.BiConsumer<String, Runnable> afterCommit, java.util.function.Consumer<String> settle,
      java.util.function.Supplier<NodeLiveness> liveness) {
    this.liveness = liveness;
    this.afterCommit = afterCommit;
    this.settle = settle;
    this.cache = cache;
    this.clock = clock;
    this.writerTimeoutTicks = writerTimeoutTicks;
    this.onLostCommit = onLostCommit;
    this.servers = RegionEpoch.serverAware(cache);
  }


  @Override
  public Object getFromCache(Object key, SharedSessionContractImplementor session) {
    settle.accept((String) key); // this node's own commit of the table first: its query results then see it
    try {
      Object state = cache.get(key);
      if (!(state instanceof TableState)) {
        // lost (LRU, restart) or never written: record it as written now, unless another node just did
        state = cache.invoke(key, new CreateIfAbsent(clock.advance()));
      }
      long now = clock.now();
      TableState table = withoutEnded((TableState) state, now);
      Long lastUpdate = table.lastUpdateSeenBy(now);
      if (lastUpdate != null && lastUpdate != Long.MAX_VALUE && lastUpdate > table.lastCommit()
          && lastUpdate >= clock.seen()) {
        // a writer presumed dead counts as committed at its deadline, a moment on a clock that may stand still in a
        // quiet cluster (only commits move it): no transaction could start after it. Move the clock
        clock.moveOn();
      }
      return lastUpdate;
    } catch (CacheException | ClassCastException e) {
      return Long.MAX_VALUE; // unknown: treat every cached result over this table as stale
    }
  }

  /**
   * The state with the writer leases of ended nodes cut at their end (a crashed node's lease then counts as a commit
   * at that moment instead of keeping the table's query results uncacheable until its lock timeout); asks memcached
   * about the nodes of live leases only while their promise is unknown or has run out.
   */
  private TableState withoutEnded(TableState state, long now) {
    NodeLiveness nodes = liveness.get();
    if (nodes == null || state.leases().isEmpty()) {
      return state;
    }
    java.util.List<java.util.UUID> writers = EndedNodes.liveNodes(state.leases(), now);
    return writers.isEmpty() ? state : nodes.check(writers).applyTo(state);
  }

  /**
   * Creates the state of every table in {@code spaces} that memcached does not hold, as written now. Called when the
   * SessionFactory starts, before any transaction, so that only a state lost later costs its table one round of
   * query-cache misses. A failure is left to the lazy path of {@link #getFromCache}.
   */
  public void ensureTables(java.util.Collection<String> spaces) {
    try {
      for (String space : spaces) {
        if (!(cache.get(space) instanceof TableState)) {
          cache.invoke(space, new CreateIfAbsent(clock.advance()));
        }
      }
    } catch (CacheException | ClassCastException e) {
      // memcached unreachable at start
    }
  }

  /** The atomic creation of a table's state that memcached does not hold (see {@link TableState#writtenAt}). */
  private record CreateIfAbsent(long stamp) implements EntryProcessor<Object, Object, Object>, Serializable {
    @Override
    public Object process(MutableEntry<Object, Object> entry, Object... arguments) {
      if (entry.exists() && entry.getValue() instanceof TableState table) {
        return table;
      }
      TableState created = TableState.writtenAt(stamp);
      entry.setValue(created);
      return created;
    }
  }

  @Override
  public void putIntoCache(Object key, Object value, SharedSessionContractImplementor session) {
    String space = (String) key;
    CaspianTransactionSynchronization tx = CaspianTransactionSynchronization.of(session);
    if (TimestampsSignal.isPreInvalidate((Long) value)) {
      if (tx == null || tx.countWriter(space)) {
        long now = clock.now();
        // outside a Caspian transaction context nobody can end the lease: it lapses at its deadline
        LockId writer = tx == null ? new LockId(java.util.UUID.randomUUID(), 0L) : tx.writerId();
        if (!apply(space, new Change(Change.BEGIN, now + writerTimeoutTicks, now, writer)) && tx != null) {
          tx.uncountWriter(space); // not counted in memcached, so the invalidate must not uncount it
        }
      }
    } else {
      boolean counted = tx == null || tx.uncountWriter(space);
      LockId writer = tx == null ? null : tx.writerId();
      afterCommit.accept(space, () -> {
        if (!applyStamped(space, commit -> new Change(counted ? Change.END : Change.COMMIT_ONLY, commit, clock.now(),
            writer))) {
          onLostCommit.run();
        }
      });
    }
  }

  /**
   * Applies the change made from a fresh commit stamp, the clock's increment in flight with the table state's
   * {@code gets} (one round trip for both; the {@code cas} fails if the state changed after its read, so this is
   * the same as taking the stamp first).
   */
  private boolean applyStamped(String space, java.util.function.LongFunction<Change> change) {
    try {
      java.util.function.LongSupplier commit = clock.advanceLater();
      if (servers == null) {
        cache.invoke(space, change.apply(commit.getAsLong()));
      } else {
        servers.invokeAlongside(space, java.util.Set.of(), new java.util.HashSet<>(),
            found -> change.apply(commit.getAsLong()));
      }
      return true;
    } catch (CacheException | ClassCastException e) {
      return false;
    }
  }

  private boolean apply(String space, Change change) {
    try {
      cache.invoke(space, change);
      return true;
    } catch (CacheException e) {
      return false;
    }
  }

  /** The writer lease {@code from} of a transaction in flight becomes {@code to} (see {@link TableState#handOver}). */
  void handOver(String space, LockId from, LockId to) {
    long now = clock.now();
    apply(space, new Change(Change.HAND_OVER, now + writerTimeoutTicks, now, to, from));
  }

  /** The atomic step on one table's state. */
  private record Change(int kind, long stamp, long now, LockId writer, LockId previous)
      implements EntryProcessor<Object, Object, Object>, Serializable {
    static final int BEGIN = 0;
    static final int END = 1;
    static final int COMMIT_ONLY = 2;
    static final int HAND_OVER = 3;

    Change(int kind, long stamp, long now, LockId writer) {
      this(kind, stamp, now, writer, null);
    }

    @Override
    public Object process(MutableEntry<Object, Object> entry, Object... arguments) {
      TableState old = entry.exists() && entry.getValue() instanceof TableState table ? table : null;
      TableState next = switch (kind) {
        case BEGIN -> TableState.beginWrite(old, writer, stamp, now);
        case END -> TableState.endWrite(old, writer, stamp, now);
        case HAND_OVER -> TableState.handOver(old, previous, writer, stamp, now);
        default -> TableState.commitOnly(old, stamp);
      };
      entry.setValue(next);
      return null;
    }
  }

  @Override
  public boolean contains(Object key) {
    return getFromCache(key, null) != null;
  }

  @Override
  public void evictData() {
    // Forgetting commit stamps would make stale query results servable again: the timestamps are never evicted.
  }

  @Override
  public void evictData(Object key) {
    // see evictData()
  }

  @Override
  public void release() {
  }
}
