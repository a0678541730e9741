package io.caspian.hibernate;

import io.caspian.hibernate.protocol.LockId;
import java.util.HashSet;
import java.util.Set;
import org.hibernate.cache.spi.CacheTransactionSynchronization;

/**
 * Per-session caching context. Besides the caching timestamp (read from the {@link ClusterClock}), it remembers
 * which tables this transaction counted as in-flight writers: Hibernate pre-invalidates once per executed action
 * list but invalidates once per transaction, and the shared writer count must be raised once and lowered once.
 * It also remembers the soft locks the transaction took and has not handed back: Hibernate releases a lock only
 * through the after-completion work of an action that executed, so an action whose statement failed (a failed
 * flush) leaves its lock behind, and the key uncacheable until the lock times out. Those are released when the
 * transaction completes, after Hibernate's own completion work.
 */
public final class CaspianTransactionSynchronization implements CacheTransactionSynchronization {
  private final Set<String> countedSpaces = new HashSet<>();
  private final CaspianRegionFactory regionFactory;
  private LockId writerId;
  private java.util.Map<LockId, Held> held;
  /** Locks taken again before the commit under a new identity (see {@link #transactionCompleting}). */
  private java.util.Map<LockId, Held> relocked;

  /** A soft lock taken and not yet handed back, and the access that can release it. */
  private record Held(CaspianReadWriteAccess access, Object key) {}

  /** The caching timestamp: taken when the session opens, again when a transaction begins (as Hibernate's own). */
  private long cachingTimestamp;

  public CaspianTransactionSynchronization(CaspianRegionFactory regionFactory) {
    this.regionFactory = regionFactory;
    this.cachingTimestamp = regionFactory.nextTimestamp();
  }

  @Override
  public long getCachingTimestamp() {
    return cachingTimestamp;
  }

  @Override
  public void transactionJoined() {
    cachingTimestamp = regionFactory.nextTimestamp();
  }

  /** The session's Caspian caching context, or null (no session, or another region factory's). */
  static CaspianTransactionSynchronization of(org.hibernate.engine.spi.SharedSessionContractImplementor session) {
    return session != null && session.getCacheTransactionSynchronization()
        instanceof CaspianTransactionSynchronization sync ? sync : null;
  }

  /** This session's identity as a writer of tables: its lease in each table's update-timestamps state. */
  LockId writerId() {
    if (writerId == null) {
      writerId = regionFactory.nextLockId();
    }
    return writerId;
  }

  /** @return true the first time this transaction counts {@code space} */
  boolean countWriter(String space) {
    return countedSpaces.add(space);
  }

  /** Records a soft lock this transaction took. */
  void holding(CaspianReadWriteAccess access, Object key, LockId lock) {
    if (held == null) {
      held = new java.util.HashMap<>();
    }
    held.put(lock, new Held(access, key));
  }

  /** Forgets a soft lock Hibernate hands back (unlock or after-update). */
  void released(Object lock) {
    if (held != null && lock != null) {
      held.remove(lock);
    }
  }

  /**
   * Before the commit: if this node gave up the identity its locks and table leases were taken under (its heartbeat
   * went silent past half the node timeout, see {@link NodeLiveness}), other nodes may count them as ended and cache
   * loads of the rows this transaction is about to commit. Lock those keys and tables again under the new identity
   * first; the new locks are released once the transaction completes.
   */
  @Override
  public void transactionCompleting() {
    NodeLiveness liveness = regionFactory.liveness();
    if (liveness == null) {
      return;
    }
    if (held != null) {
      held.forEach((lock, h) -> {
        if (liveness.mayHaveEnded(lock.node())) {
          if (relocked == null) {
            relocked = new java.util.HashMap<>();
          }
          relocked.put(h.access().relock(h.key()), h);
        }
      });
    }
    if (writerId != null && !countedSpaces.isEmpty() && liveness.mayHaveEnded(writerId.node())) {
      LockId old = writerId;
      writerId = regionFactory.nextLockId();
      for (String space : countedSpaces) {
        regionFactory.handOverWriter(space, old, writerId);
      }
    }
  }

  @Override
  public void transactionCompleted(boolean successful) {
    if (relocked != null) {
      java.util.Map<LockId, Held> again = relocked;
      relocked = null;
      again.forEach((lock, h) -> h.access().releaseRelocked(h.key(), lock));
    }
    if (held == null || held.isEmpty()) {
      return;
    }
    // Hibernate's completion work has run (SessionImpl completes the action queue before this): what is left was
    // taken by an action that never completed
    java.util.Map<LockId, Held> abandoned = held;
    held = null;
    abandoned.forEach((lock, h) -> h.access().releaseAbandoned(h.key(), lock));
  }

  /** @return whether this transaction had counted {@code space}; forgets it */
  boolean uncountWriter(String space) {
    return countedSpaces.remove(space);
  }
}
