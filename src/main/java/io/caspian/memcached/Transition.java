package io.caspian.memcached;

/**
 * The pure part of a read-modify-write: from the item's current bytes ({@code null} when absent) to a
 * {@link Decision}. It may run several times, once per CAS attempt, so it must not have side effects that matter.
 *
 * @param <R> the caller's result
 */
@FunctionalInterface
public interface Transition<R> {
  Decision<R> apply(byte[] current);
}
