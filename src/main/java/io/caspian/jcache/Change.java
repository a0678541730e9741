package io.caspian.jcache;

/**
 * What a {@link Mutation} decided for one entry: keep it, write a value with a deadline, or remove it; which event
 * that is for listeners; and the result the operation returns. A pure value, so a CAS retry simply decides again.
 */
record Change<V, R>(Kind kind, V value, long expireAt, Effect effect, V oldValue, R result) {
  enum Kind { KEEP, WRITE, REMOVE }

  /** The event the change amounts to, delivered once the CAS succeeded. */
  enum Effect { NONE, CREATED, UPDATED, REMOVED }

  static <V, R> Change<V, R> keep(R result) {
    return new Change<>(Kind.KEEP, null, 0, Effect.NONE, null, result);
  }

  static <V, R> Change<V, R> create(V value, long expireAt, R result) {
    return new Change<>(Kind.WRITE, value, expireAt, Effect.CREATED, null, result);
  }

  static <V, R> Change<V, R> update(V value, long expireAt, V oldValue, R result) {
    return new Change<>(Kind.WRITE, value, expireAt, Effect.UPDATED, oldValue, result);
  }

  /** Rewrites the entry with a new deadline only (access expiry); no event. */
  static <V, R> Change<V, R> touch(V value, long expireAt, R result) {
    return new Change<>(Kind.WRITE, value, expireAt, Effect.NONE, null, result);
  }

  static <V, R> Change<V, R> remove(V oldValue, R result) {
    return new Change<>(Kind.REMOVE, null, 0, oldValue == null ? Effect.NONE : Effect.REMOVED, oldValue, result);
  }
}
