package io.caspian.jcache;

import javax.cache.processor.MutableEntry;

/**
 * What an {@link javax.cache.processor.EntryProcessor} running on Caspian can learn beyond JSR-107, through
 * {@code entry.unwrap(CaspianMutableEntry.class)}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface CaspianMutableEntry<K, V> extends MutableEntry<K, V> {
  /**
   * Whether memcached holds an item under this key that this JVM cannot decode: a class outside its allow-list
   * (nodes configured differently, another release), or foreign or tampered bytes. {@link #exists()} then reports
   * false, as {@code get} reads it as a miss; a processor that must not overwrite what another node wrote (a
   * possibly newer value it cannot see) checks this first.
   *
   * @return true when an undecodable item is stored under the key
   */
  boolean holdsUnreadableValue();
}
