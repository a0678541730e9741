package io.caspian.hibernate;

/**
 * An unlocked, readable cache entry.
 *
 * @param value     Hibernate's cache entry (disassembled state)
 * @param version   the entity (or collection owner) version, null when unversioned
 * @param timestamp cluster-clock time at which the value became current; only transactions that began at or
 *                  after it may read it (they are the ones guaranteed to see the same database state)
 */
public record CachedItem(Object value, Object version, long timestamp) implements ReadWriteState {

  /** Whether a transaction whose caching timestamp is {@code txTimestamp} may read this value. */
  public boolean isReadableAt(long txTimestamp) {
    return txTimestamp >= timestamp;
  }
}
