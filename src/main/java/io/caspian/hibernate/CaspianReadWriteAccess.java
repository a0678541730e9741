package io.caspian.hibernate;

import io.caspian.hibernate.protocol.CachedItem;
import io.caspian.hibernate.protocol.EndedNodes;
import io.caspian.hibernate.protocol.LockId;
import io.caspian.hibernate.protocol.ReadWriteState;
import io.caspian.hibernate.protocol.ReadWriteTransitions;
import io.caspian.hibernate.protocol.SoftLockState;
import io.caspian.hibernate.protocol.Step;
import io.caspian.hibernate.protocol.VersionOrder;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.hibernate.cache.spi.DomainDataRegion;
import org.hibernate.cache.spi.access.AccessType;
import org.hibernate.cache.spi.access.SoftLock;
import org.hibernate.cache.spi.support.AbstractCachedDomainDataAccess;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;

/**
 * READ_WRITE access without any JVM lock: each step of Hibernate's soft-lock protocol is one atomic
 * {@link RegionStore#transition} running a pure function of {@link ReadWriteTransitions}. Shared by the entity,
 * collection and natural-id variants.
 */
abstract class CaspianReadWriteAccess extends AbstractCachedDomainDataAccess {
  private final RegionStore store;
  private final VersionOrder order;

  protected CaspianReadWriteAccess(DomainDataRegion region, RegionStore store, VersionOrder order) {
    super(region, store);
    this.store = store;
    this.order = order;
  }

  @Override
  public AccessType getAccessType() {
    return AccessType.READ_WRITE;
  }

  protected CaspianRegionFactory factory() {
    return (CaspianRegionFactory) getRegion().getRegionFactory();
  }

  private static long txTimestamp(SharedSessionContractImplementor session) {
    return session.getCacheTransactionSynchronization().getCachingTimestamp();
  }

  private static ReadWriteState asState(Object stored) {
    return stored instanceof ReadWriteState state ? state : null;
  }

  @Override
  public Object get(SharedSessionContractImplementor session, Object key) {
    factory().settle(store.name(), key);
    return store.counted(store.readableValue(key, ReadWriteTransitions.read(asState(store.read(key)))));
  }

  @Override
  public boolean putFromLoad(SharedSessionContractImplementor session, Object key, Object value, Object version) {
    return putFromLoad(session, key, value, version, false);
  }

  @Override
  public boolean putFromLoad(
      SharedSessionContractImplementor session, Object key, Object value, Object version, boolean minimalPut) {
    factory().settle(store.name(), key);
    long txTimestamp = txTimestamp(session);
    if (txTimestamp == ClusterClock.UNAVAILABLE) {
      return false;
    }
    long now = factory().clock().now();
    Object stored = MappedValue.wrap(key, value);
    NodeLiveness liveness = factory().liveness();
    EndedNodes ended = liveness == null ? EndedNodes.NONE : liveness.known();
    Object[] seen = new Object[1];
    boolean cached = load(key, txTimestamp, now, stored, version, minimalPut, ended, seen);
    if (!cached && liveness != null) {
      // refused over a lock held by other nodes: if any of them has ended, its lease counts no longer (one multi-get
      // of their heartbeats, skipped for nodes seen alive until their promise runs out)
      java.util.List<java.util.UUID> holders = EndedNodes.liveNodesOf(ended.applyTo(asState(seen[0])), now);
      if (!holders.isEmpty()) {
        EndedNodes known = liveness.check(holders);
        if (known != ended && holders.stream().anyMatch(known.endedAt()::containsKey)) {
          ended = known;
          cached = load(key, txTimestamp, factory().clock().now(), stored, version, minimalPut, ended, seen);
        }
      }
    }
    ReadWriteState found = asState(seen[0]);
    ReadWriteState judged = ended.applyTo(found);
    if (cached) {
      store.countPut();
      if (judged != found) {
        liveness.countEndedLeases(); // cached over leases of ended nodes
      }
    } else {
      if (judged instanceof SoftLockState lock && lock.isHeld()
          && lock.isExpiredAt(factory().clock().now()) && txTimestamp < lock.releasedAt()) {
        // its holders are presumed dead since a moment our transaction started before, on a clock that may stand
        // still in a quiet cluster (only writes move it): move it, so that the next transaction starts after that
        factory().clock().moveOn();
      } else {
        // the refusal may be our lagging timestamp's (a commit or eviction after it): the next transaction reads the
        // clock, so that loads are cached again from then on instead of after the next chance refresh
        factory().clock().forgetSeen();
      }
    }
    return cached;
  }

  /**
   * One putFromLoad step, with the leases of {@code ended} nodes cut at their end; {@code seen[0]} gets the state
   * the last attempt found. A refusal writes nothing, not even the cut leases.
   */
  private boolean load(Object key, long txTimestamp, long now, Object stored, Object version, boolean minimalPut,
      EndedNodes ended, Object[] seen) {
    // a load by a transaction that began before the region's last eviction may hold pre-eviction rows (RegionStore)
    return Boolean.TRUE.equals(answer(store.load(key, txTimestamp, step(found -> {
      seen[0] = found;
      ReadWriteState old = ended.applyTo(found);
      Step step = old instanceof CachedItem item && MappedValue.isForeign(key, item.value())
          ? ReadWriteTransitions.replaceForeign(item, stored, version, txTimestamp, order)
          : ReadWriteTransitions.putFromLoad(old, stored, version, txTimestamp, now, minimalPut, order);
      return step.next() == old ? Step.unchanged(found) : step;
    }))));
  }

  @Override
  public SoftLock lockItem(SharedSessionContractImplementor session, Object key, Object version) {
    factory().settle(store.name(), key); // its predecessor's release first, or our lock would join a finished one
    LockId id = factory().nextLockId();
    long now = factory().clock().now();
    long deadline = now + factory().lockTimeoutTicks();
    // every holder gets a lease of its own under its own id, so a joiner cannot prolong another holder's lease
    EndedNodes ended = endedNodes();
    RegionStore.Outcome outcome = store.transition(key, old -> new RegionStore.Outcome(
        ReadWriteTransitions.lock(ended.applyTo(asState(old)), id, version, deadline, now, order), id));
    if (outcome == null) {
      // the old entry may survive in a paused node; our handle will not match anything, which unlock handles
      store.invalidationLost();
    }
    CaspianTransactionSynchronization sync = CaspianTransactionSynchronization.of(session);
    if (sync != null) {
      sync.holding(this, key, id);
    }
    return id;
  }

  /** The nodes this node knows ended (no round trip). */
  private EndedNodes endedNodes() {
    NodeLiveness liveness = factory().liveness();
    return liveness == null ? EndedNodes.NONE : liveness.known();
  }

  /**
   * Locks {@code key} again under a fresh id before the transaction commits, because the lease it holds was taken
   * under an identity this node gave up (its heartbeat went silent long enough for other nodes to judge it ended and
   * cache loads over the lease). Version unknown here: the lock keeps the highest version it finds.
   */
  LockId relock(Object key) {
    LockId id = factory().nextLockId();
    long now = factory().clock().now();
    long deadline = now + factory().lockTimeoutTicks();
    EndedNodes ended = endedNodes();
    if (store.transition(key, old -> new RegionStore.Outcome(
        ReadWriteTransitions.lock(ended.applyTo(asState(old)), id, null, deadline, now, order), id)) == null) {
      store.invalidationLost();
    }
    return id;
  }

  /** Releases the lock {@link #relock} took, once the transaction has completed. */
  void releaseRelocked(Object key, LockId lock) {
    release(key, lock, Long.MAX_VALUE, true, stamp -> old -> new RegionStore.Outcome(
        ReadWriteTransitions.unlock(old, lock, stamp), Boolean.FALSE), null);
  }

  /** Tells the session's transaction that Hibernate handed {@code lock} back (see {@link #releaseAbandoned}). */
  protected static void handedBack(SharedSessionContractImplementor session, SoftLock lock) {
    CaspianTransactionSynchronization sync = CaspianTransactionSynchronization.of(session);
    if (sync != null) {
      sync.released(lock);
    }
  }

  @Override
  public void unlockItem(SharedSessionContractImplementor session, Object key, SoftLock lock) {
    handedBack(session, lock);
    release(key, (LockId) lock, Long.MAX_VALUE, true, stamp -> old -> new RegionStore.Outcome(
        ReadWriteTransitions.unlock(old, (LockId) lock, stamp), Boolean.FALSE), null);
  }

  /**
   * Releases a lock its transaction took but Hibernate never handed back (its statement failed, so no completion
   * was registered): as {@link #unlockItem}, stamped now, so that loads that began while it was held stay refused.
   */
  void releaseAbandoned(Object key, LockId lock) {
    factory().recordAbandonedLock();
    release(key, lock, Long.MAX_VALUE, true, stamp -> old -> new RegionStore.Outcome(
        ReadWriteTransitions.unlock(old, lock, stamp), Boolean.FALSE), null);
  }

  @Override
  public void remove(SharedSessionContractImplementor session, Object key) {
    if (store.transition(key, step(ReadWriteTransitions::remove)) == null) {
      store.invalidationLost();
    } else {
      store.countRemoval();
    }
  }

  @Override
  public void removeAll(SharedSessionContractImplementor session) {
    // as in Hibernate: soft locks protect the entries; evictAll is the way to empty the region
    if (StatelessWrites.skipsCacheBookkeeping(session)) {
      afterStatelessBulkCleanup(session);
    }
  }

  /**
   * Only a bulk statement's cleanup calls removeAll. For a session without an action queue Hibernate runs that
   * cleanup to its end (lockRegion, removeAll, unlockRegion) before the statement executes and never touches the
   * update timestamps: a load between the eviction and the commit would be cached from pre-commit rows, and query
   * results would stay servable. So the tables are marked as written now and the region is evicted again once the
   * transaction completes, refusing every load that began before.
   */
  private void afterStatelessBulkCleanup(SharedSessionContractImplementor session) {
    StatelessWrites.invalidateSpaces(session, querySpaces(session.getFactory()));
    StatelessWrites.afterCompletion(session, this::evictAll);
  }

  /** The tables whose query results this region's data is computed from. */
  protected abstract String[] querySpaces(SessionFactoryImplementor factory);

  @Override
  public SoftLock lockRegion() {
    // empty the region before a bulk update too, not only after it, so no node keeps serving pre-update rows meanwhile
    evictAll();
    return super.lockRegion();
  }

  /**
   * Runs a write-completion transition that needs a fresh cluster stamp; if the stamp or the transition cannot be
   * obtained, the entry may hold a stale value later, so the region is evicted.
   *
   * @param lock      the lock this completion hands back, or null (afterInsert): if memcached cannot be reached, it is
   *                  released later by the background collector rather than left to its lock timeout
   * @param startedAt when the completing transaction began ({@code Long.MAX_VALUE}: the transition never publishes)
   * @param ifEvicted what to do instead when the region was evicted after {@code startedAt} (null: nothing), since a
   *                  value the transaction wrote may predate the change behind that eviction
   */
  protected boolean release(Object key, LockId lock, long startedAt, boolean completesLock,
      LongFunction<Function<ReadWriteState, RegionStore.Outcome>> transition,
      LongFunction<Function<ReadWriteState, RegionStore.Outcome>> ifEvicted) {
    if (factory().settings().asyncCompletion()) {
      // after the commit: the lock protects the key until this lands (CompletionQueue); Hibernate only counts the put
      factory().complete(store.name(), key,
          () -> releaseNow(key, lock, startedAt, completesLock, transition, ifEvicted));
      return false;
    }
    return releaseNow(key, lock, startedAt, completesLock, transition, ifEvicted);
  }

  /**
   * A release that could not reach memcached, retried by the background collector: a plain unlock stamped when it
   * lands (never a publish, whose value may be stale by then). True once it landed.
   */
  boolean retryRelease(Object key, LockId lock) {
    return store.completeStamped(key, Long.MAX_VALUE, stamp -> old -> new RegionStore.Outcome(
        ReadWriteTransitions.unlock(asState(old), lock, stamp), Boolean.FALSE), null) != null;
  }

  private boolean releaseNow(Object key, LockId lock, long startedAt, boolean completesLock,
      LongFunction<Function<ReadWriteState, RegionStore.Outcome>> transition,
      LongFunction<Function<ReadWriteState, RegionStore.Outcome>> ifEvicted) {
    boolean[] lockGone = new boolean[1];
    RegionStore.Outcome outcome = store.completeStamped(key, startedAt,
        stamp -> noticingLostLock(transition.apply(stamp), lockGone),
        ifEvicted == null ? null : stamp -> noticingLostLock(ifEvicted.apply(stamp), lockGone));
    if (outcome == null) {
      store.invalidationLost();
      if (lock != null) {
        // the region's eviction does not end the lock (held locks survive evictions): release it once memcached is
        // back, or the key stays uncacheable on every node until the lock timeout
        factory().oweRelease(this, key, lock);
      }
      return false;
    }
    if (completesLock && lockGone[0]) {
      factory().recordLostLock(store.name(), key);
    }
    boolean published = Boolean.TRUE.equals(outcome.answer());
    if (published) {
      store.countPut();
    }
    return published;
  }

  /**
   * A completing writer always left a lock here (held locks even survive region evictions): none means memcached
   * dropped it. Set per attempt, so the last (applied) attempt decides.
   */
  private static Function<Object, RegionStore.Outcome> noticingLostLock(
      Function<ReadWriteState, RegionStore.Outcome> body, boolean[] lockGone) {
    return old -> {
      lockGone[0] = old == null;
      return body.apply(asState(old));
    };
  }

  /** The cluster time the session's transaction began: a completion publishes only if no eviction came since. */
  protected static long startedAt(SharedSessionContractImplementor session) {
    return txTimestamp(session);
  }

  /** Adapts a read-write transition returning a {@link Step} to the store's outcome. */
  protected static Function<Object, RegionStore.Outcome> step(Function<ReadWriteState, Step> transition) {
    return old -> {
      Step step = transition.apply(asState(old));
      // an unchanged step keeps the very same instance, which the store reads as "write nothing"
      Object next = step.next() == asState(old) ? old : step.next();
      return new RegionStore.Outcome(next, step.accepted());
    };
  }

  protected static Function<ReadWriteState, RegionStore.Outcome> stepOnState(Function<ReadWriteState, Step> transition) {
    return old -> {
      Step step = transition.apply(old);
      return new RegionStore.Outcome(step.next(), step.accepted());
    };
  }

  private static Object answer(RegionStore.Outcome outcome) {
    return outcome == null ? null : outcome.answer();
  }
}
