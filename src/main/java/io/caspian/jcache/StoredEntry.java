package io.caspian.jcache;

/**
 * What one memcached item holds for a JCache entry: the key (memcached cannot list keys in a form we could turn
 * back into objects), the value, and the exact expiry deadline in epoch milliseconds ({@link #ETERNAL}: never).
 * The server's own TTL is only a coarse clean-up; the deadline here decides.
 *
 * @param key the entry's key
 * @param value the entry's value
 * @param expireAt epoch milliseconds after which the entry is gone
 */
record StoredEntry<K, V>(K key, V value, long expireAt) {
  static final long ETERNAL = Long.MAX_VALUE;

  boolean isExpired(long nowMillis) {
    return expireAt <= nowMillis;
  }

  StoredEntry<K, V> withValue(V newValue, long newExpireAt) {
    return new StoredEntry<>(key, newValue, newExpireAt);
  }

  StoredEntry<K, V> withExpireAt(long newExpireAt) {
    return new StoredEntry<>(key, value, newExpireAt);
  }
}
