package io.caspian.memcached;

/**
 * The outcome of {@link Memcached#update}: whether the decided change was applied atomically, was a no-op, or
 * lost to other writers on every attempt.
 *
 * @param status what happened
 * @param result the result of the decision of the last attempt
 * @param attempts how many times the transition ran
 * @param oversized the decided value was too large to store, so the key was removed instead
 * @param <R> the caller's result
 */
public record Update<R>(Status status, R result, int attempts, boolean oversized) {
  /** The outcome kinds. */
  public enum Status {
    /** The decision (write or remove) took effect atomically with the read it was based on. */
    APPLIED,
    /** The transition decided to keep the item. */
    UNCHANGED,
    /** Every attempt lost to a concurrent writer; nothing was changed. */
    GAVE_UP
  }

  public boolean applied() {
    return status == Status.APPLIED;
  }
}
