package io.caspian.jcache;

/**
 * The pure decision of one atomic cache operation: from the live entry (null when absent, expired or unreadable)
 * and the current time to a {@link Change}. It runs once per CAS attempt.
 */
@FunctionalInterface
interface Mutation<K, V, R> {
  Change<V, R> apply(StoredEntry<K, V> live, long now);
}

/**
 * A {@link Mutation} that also learns whether the key holds an item this JVM cannot decode (then {@code live} is
 * null): for entry processors, which may have to leave such an item alone.
 */
@FunctionalInterface
interface UnreadableAwareMutation<K, V, R> {
  Change<V, R> apply(StoredEntry<K, V> live, boolean unreadable, long now);
}
