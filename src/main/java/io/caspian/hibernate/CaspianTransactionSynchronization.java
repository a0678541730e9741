package io.caspian.hibernate;

import java.util.HashSet;
import java.util.Set;
import org.hibernate.cache.spi.AbstractCacheTransactionSynchronization;
import org.hibernate.cache.spi.RegionFactory;

/**
 * Per-session caching context. Besides the caching timestamp (read from the {@link ClusterClock}), it remembers
 * which tables this transaction counted as in-flight writers: Hibernate pre-invalidates once per executed action
 * list but invalidates once per transaction, and the shared writer count must be raised once and lowered once.
 */
public final class CaspianTransactionSynchronization extends AbstractCacheTransactionSynchronization {
  private final Set<String> countedSpaces = new HashSet<>();

  public CaspianTransactionSynchronization(RegionFactory regionFactory) {
    super(regionFactory);
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
