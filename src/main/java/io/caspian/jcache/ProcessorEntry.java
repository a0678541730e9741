package io.caspian.jcache;

import java.util.Objects;
import java.util.function.Function;

/**
 * The entry an {@link javax.cache.processor.EntryProcessor} sees during one CAS attempt. It records what the
 * processor did so that the cache can turn it into one memcached write; nothing happens to memcached until the
 * processor returns.
 */
final class ProcessorEntry<K, V> implements CaspianMutableEntry<K, V> {
  /** The net effect of the processor on the entry. */
  enum Action {
    /** Nothing observable: the entry stays as it is. */
    NONE,
    /** The value was read (for statistics and access expiry). */
    READ,
    /** The value was read through the loader (not written to the writer). */
    LOADED,
    CREATED,
    UPDATED,
    REMOVED
  }

  private final K key;
  private final boolean existedBefore;
  private final V original;
  private final Function<K, V> loader;
  private V value;
  private boolean exists;
  private Action action = Action.NONE;
  private boolean read;
  private boolean deleteMissing;
  private final boolean unreadable;

  ProcessorEntry(K key, V current, Function<K, V> loader) {
    this(key, current, false, loader);
  }

  ProcessorEntry(K key, V current, boolean unreadable, Function<K, V> loader) {
    this.key = key;
    this.unreadable = unreadable;
    this.original = current;
    this.existedBefore = current != null;
    this.value = current;
    this.exists = current != null;
    this.loader = loader;
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public V getValue() {
    read = true;
    if (!exists && action == Action.NONE && loader != null) {
      V loaded = loader.apply(key);
      if (loaded != null) {
        value = loaded;
        exists = true;
        action = Action.LOADED;
      }
    }
    if (action == Action.NONE && exists) {
      action = Action.READ;
    }
    return exists ? value : null;
  }

  @Override
  public boolean exists() {
    return exists;
  }

  @Override
  public void remove() {
    // removing a stored entry deletes it; removing what this processor created leaves nothing to do at all; a
    // remove of an absent entry still reaches the writer, which may hold the entry the cache does not
    deleteMissing = !existedBefore && action != Action.CREATED;
    action = existedBefore ? Action.REMOVED : Action.NONE;
    value = null;
    exists = false;
  }

  @Override
  public void setValue(V newValue) {
    Objects.requireNonNull(newValue, "value");
    value = newValue;
    exists = true;
    deleteMissing = false;
    action = existedBefore ? Action.UPDATED : Action.CREATED;
  }

  Action action() {
    return action;
  }

  /** The processor removed an entry that was not there: only the writer is told. */
  boolean deletesMissing() {
    return deleteMissing;
  }

  /** Whether the processor looked at the value (a hit or a miss for the statistics). */
  boolean wasRead() {
    return read;
  }

  boolean existedBefore() {
    return existedBefore;
  }

  V original() {
    return original;
  }

  V value() {
    return value;
  }

  @Override
  public boolean holdsUnreadableValue() {
    return unreadable;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("cannot unwrap a mutable entry to " + clazz.getName());
  }
}
