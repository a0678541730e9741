package io.caspian.jcache;

import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a Caspian cache tells beyond JSR-107 about where its entries live, through
 * {@code cache.unwrap(ServerAwareCache.class)}: for callers that keep copies of a key on every memcached server and
 * must keep working while one server is away (Caspian's Hibernate regions replicate their epochs this way).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface ServerAwareCache<K, V> {
  /**
   * The memcached server that holds {@code key}, as the client's node locator places it.
   *
   * @param key a key of this cache
   * @return the server's address
   */
  SocketAddress serverOf(K key);

  /** @return the addresses of every memcached server of this cache's pool */
  List<SocketAddress> servers();

  /**
   * Like {@link javax.cache.Cache#getAll}, in one round trip with the servers asked in parallel, but a server that
   * does not answer in time does not fail the read: its keys are added to {@code unreachable}. No read-through.
   *
   * @param keys        the keys to read
   * @param unreachable receives the keys whose server did not answer
   * @return the entries found on the servers that answered
   */
  Map<K, V> getAllReachable(Set<? extends K> keys, Set<K> unreachable);

  /**
   * {@link javax.cache.Cache#invoke} whose processor is chosen after reading other keys of this cache, in the same
   * round trip as the entry's own first read ({@code gets}): for an atomic update that must know the value of
   * another key, such as a region's epoch, without a round trip of its own. The other keys are read once, without
   * read-through, and are not part of the atomic step: a CAS conflict runs the same processor again on the entry
   * only.
   *
   * @param key          the entry to update
   * @param alongside    other keys to read first
   * @param unreachable  receives the keys among {@code alongside} whose server did not answer
   * @param processorFor chooses the processor from the entries of {@code alongside} found
   * @param <T>          the processor's result type
   * @return the processor's result
   * @throws javax.cache.CacheException when the entry's server cannot be reached or the update gave up
   */
  <T> T invokeAlongside(K key, Set<? extends K> alongside, Set<K> unreachable,
      java.util.function.Function<Map<K, V>, javax.cache.processor.EntryProcessor<K, V, T>> processorFor);

  /**
   * Starts adding {@code delta} to a counter kept under {@code key} (memcached {@code incr}: atomic across JVMs,
   * created at {@code initial} when absent) and returns at once, so other requests can be in flight while it runs;
   * the supplier waits for the new value. The counter reads back through {@code get} as a {@code Long}; writing the
   * key with {@code put} or {@code invoke} makes it an entry, which the next increment replaces by a new counter at
   * {@code initial}. No expiry, listeners, statistics or write-through apply to counters.
   *
   * @param key     the counter's key
   * @param delta   what to add (positive)
   * @param initial the value an absent counter starts at (the result, {@code delta} not added)
   * @return waits for and returns the counter's new value; throws {@link javax.cache.CacheException} when memcached
   *     cannot be reached
   */
  java.util.function.LongSupplier incrementLater(K key, long delta, long initial);

  /**
   * Raises the counter under {@code key} to {@code value} if it holds a smaller number, atomically ({@code gets},
   * then {@code cas}), in the background: returns at once, best effort (nothing is written on a conflict, an absent
   * or foreign item, or a failure). For moving a counter to a target that concurrent {@link #incrementLater
   * increments} would overshoot, since increments of the same gap add up.
   *
   * @param key   the counter's key
   * @param value the value to raise it to
   */
  void raiseCounterLater(K key, long value);

  /**
   * {@link #getAllReachable(Set, Set)}, also reading one key of another cache of the same {@code CacheManager} in the
   * same round trip: for a value every read of this cache wants fresh, such as a clock kept in a cache of its own.
   *
   * @param keys        the keys to read
   * @param unreachable receives the keys of this cache whose server did not answer
   * @param other       another Caspian cache of this cache's manager
   * @param otherKey    the key of {@code other} to read
   * @param otherValue  receives its value when it is present (not called otherwise)
   * @param <K2>        the other cache's key type
   * @return the entries of this cache found on the servers that answered
   * @throws IllegalArgumentException when {@code other} is not a Caspian cache of the same manager
   */
  <K2> Map<K, V> getAllReachable(Set<? extends K> keys, Set<K> unreachable, javax.cache.Cache<K2, ?> other,
      K2 otherKey, java.util.function.Consumer<Object> otherValue);
}
