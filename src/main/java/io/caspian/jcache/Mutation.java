package io.caspian.jcache;

/**
 * The pure decision of one atomic cache operation: from the live entry (null when absent, expired or unreadable)
 * and the current time to a {@link Change}. It runs once per CAS attempt.
 */
@FunctionalInterface
interface Mutation<K, V, R> {
  Change<V, R> apply(StoredEntry<K, V> live, long now);
}
