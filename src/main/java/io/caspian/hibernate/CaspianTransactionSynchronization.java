package io.caspian.hibernate;

import java.util.HashSet;
import java.util.Set;
import org.hibernate.cache.spi.AbstractCacheTransactionSynchronization;

/**
 * Per-session caching context. Besides the caching timestamp (read from the {@link ClusterClock}), it remembers
 * which tables this transaction counted as in-flight writers: Hibernate pre-invalidates once per executed action
 * list but invalidates once per transaction, and the shared writer count must be raised once and lowered once.
 */
public final class CaspianTransactionSynchronization extends AbstractCacheTransactionSynchronization {
  private final Set<String> countedSpaces = new HashSet<>();
  private final CaspianRegionFactory regionFactory;
  private LockId writerId;

  public CaspianTransactionSynchronization(CaspianRegionFactory regionFactory) {
    super(regionFactory);
    this.regionFactory = regionFactory;
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

  /** @return whether this transaction had counted {@code space}; forgets it */
  boolean uncountWriter(String space) {
    return countedSpaces.remove(space);
  }
}
