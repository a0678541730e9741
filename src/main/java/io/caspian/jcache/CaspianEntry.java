package io.caspian.jcache;

import java.util.Objects;
import javax.cache.Cache;

/**
 * An immutable key-value pair, as returned by {@link CaspianCache#iterator()}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class CaspianEntry<K, V> implements Cache.Entry<K, V> {
  private final K key;
  private final V value;

  public CaspianEntry(K key, V value) {
    this.key = Objects.requireNonNull(key);
    this.value = Objects.requireNonNull(value);
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public V getValue() {
    return value;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("cannot unwrap a cache entry to " + clazz.getName());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CaspianEntry<?, ?> e && key.equals(e.key) && value.equals(e.value);
  }

  @Override
  public int hashCode() {
    return key.hashCode() ^ value.hashCode();
  }

  @Override
  public String toString() {
    return key + "=" + value;
  }
}
