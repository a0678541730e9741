package io.caspian.jcache;

import io.caspian.memcached.codec.CodecException;
import io.caspian.memcached.Decision;
import io.caspian.memcached.KeyEncoder;
import io.caspian.memcached.Memcached;
import io.caspian.memcached.MemcachedUnavailableException;
import io.caspian.memcached.codec.RejectedClassException;
import io.caspian.memcached.Transition;
import io.caspian.memcached.Ttl;
import io.caspian.memcached.Update;
import io.caspian.memcached.Versioned;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.cache.CacheException;

/**
 * The memcached side of one cache: where its entries live, how they are encoded, and the single atomic
 * read-modify-write every conditional operation goes through. It knows nothing of listeners, statistics, loaders
 * or writers.
 */
final class EntryStore<K, V> {
  private static final System.Logger LOG = System.getLogger(EntryStore.class.getName());
  private static final int BULK = 256;

  private final Memcached memcached;
  private final KeyEncoder keyEncoder;
  private final String prefix;
  private final EntryCodec codec;
  /**
   * Memcached keys of recently used object keys: encoding one serializes and hashes it, a tenth of a cache hit's
   * CPU. Keys equal by {@code equals} are one JCache key, and JCache keys must not change once used, so the memo
   * cannot answer wrongly; it is bounded by emptying it when full.
   */
  private final java.util.concurrent.ConcurrentHashMap<Object, String> encodedKeys =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final int ENCODED_KEYS_LIMIT = 10_000;

  EntryStore(Memcached memcached, KeyEncoder keyEncoder, String cacheName, EntryCodec codec) {
    this.memcached = memcached;
    this.keyEncoder = keyEncoder;
    this.prefix = keyEncoder.cachePrefix(cacheName);
    this.codec = codec;
  }

  Memcached memcached() {
    return memcached;
  }

  String memcachedKey(K key) {
    if (key instanceof String || key instanceof Number || key instanceof java.util.UUID) {
      return encode(key); // cheap: no serialization
    }
    String known = encodedKeys.get(key);
    if (known != null) {
      return known;
    }
    String encoded = encode(key);
    if (encodedKeys.size() >= ENCODED_KEYS_LIMIT) {
      encodedKeys.clear();
    }
    encodedKeys.put(key, encoded);
    return encoded;
  }

  private String encode(K key) {
    try {
      return keyEncoder.encode(prefix, key, codec::keyIdentity);
    } catch (CodecException e) {
      throw unstorableKey(key, e);
    }
  }

  private byte[] keyBytes(K key) {
    try {
      return codec.keyBytes(key);
    } catch (CodecException e) {
      throw unstorableKey(key, e);
    }
  }

  private static CacheException unstorableKey(Object key, CodecException e) {
    return new CacheException("key of " + key.getClass().getName() + " cannot be stored: " + e.getMessage(), e);
  }

  /** The stored entry, expired or not, or null when absent or unreadable. */
  StoredEntry<K, V> read(K key) {
    byte[] bytes = call(() -> memcached.get(memcachedKey(key)));
    return bytes == null ? null : decode(bytes, key);
  }

  /** The stored entries among {@code keys}, in one bulk round trip per batch. */
  Map<K, StoredEntry<K, V>> readAll(Collection<? extends K> keys) {
    Map<K, StoredEntry<K, V>> result = new HashMap<>();
    List<K> batch = new ArrayList<>(Math.min(keys.size(), BULK));
    for (K key : keys) {
      batch.add(key);
      if (batch.size() == BULK) {
        readBatch(batch, result);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      readBatch(batch, result);
    }
    return result;
  }

  /**
   * The stored entries among {@code keys} on the servers that answered; the keys of servers that did not are added to
   * {@code unreachable}. One round trip, the servers asked in parallel.
   */
  Map<K, StoredEntry<K, V>> readReachable(Collection<? extends K> keys, java.util.Set<K> unreachable) {
    return readReachable(keys, unreachable, null, null, null);
  }

  /**
   * {@link #readReachable(Collection, java.util.Set)}, also fetching {@code otherKey} of {@code other}, a store on the
   * same transport, in the same round trip; its entry, if found and decodable, goes to {@code otherFound}.
   */
  <K2, V2> Map<K, StoredEntry<K, V>> readReachable(Collection<? extends K> keys, java.util.Set<K> unreachable,
      EntryStore<K2, V2> other, K2 otherKey, java.util.function.Consumer<StoredEntry<K2, V2>> otherFound) {
    Map<String, K> byMemcachedKey = byMemcachedKey(keys);
    String otherMemcachedKey = other == null ? null : other.memcachedKey(otherKey);
    java.util.Collection<String> asked = byMemcachedKey.keySet();
    if (otherMemcachedKey != null && !byMemcachedKey.containsKey(otherMemcachedKey)) {
      asked = new java.util.ArrayList<>(asked);
      asked.add(otherMemcachedKey);
    }
    java.util.Set<String> away = new java.util.HashSet<>();
    Map<String, byte[]> found = memcached.getBulkReachable(asked, away);
    if (otherMemcachedKey != null && found.get(otherMemcachedKey) != null) {
      StoredEntry<K2, V2> entry = other.decode(found.get(otherMemcachedKey), otherKey);
      if (entry != null) {
        otherFound.accept(entry);
      }
    }
    addUnreachable(away, byMemcachedKey, unreachable);
    Map<K, StoredEntry<K, V>> result = new LinkedHashMap<>();
    decodeInto(found, byMemcachedKey, result);
    return result;
  }

  /** The memcached key of each key, in the keys' order. */
  private Map<String, K> byMemcachedKey(Collection<? extends K> keys) {
    Map<String, K> byMemcachedKey = new LinkedHashMap<>();
    for (K key : keys) {
      byMemcachedKey.put(memcachedKey(key), key);
    }
    return byMemcachedKey;
  }

  /** Decodes what a multi-get found under the memcached keys of {@code byMemcachedKey}, skipping any other. */
  private void decodeInto(Map<String, byte[]> found, Map<String, K> byMemcachedKey, Map<K, StoredEntry<K, V>> into) {
    found.forEach((mkey, bytes) -> {
      K key = byMemcachedKey.get(mkey);
      StoredEntry<K, V> entry = key == null ? null : decode(bytes, key);
      if (entry != null) {
        into.put(key, entry);
      }
    });
  }

  private static <K> void addUnreachable(java.util.Set<String> away, Map<String, K> byMemcachedKey,
      java.util.Set<K> unreachable) {
    away.forEach(mkey -> {
      K key = byMemcachedKey.get(mkey);
      if (key != null) {
        unreachable.add(key);
      }
    });
  }

  private void readBatch(List<K> batch, Map<K, StoredEntry<K, V>> into) {
    Map<String, K> byMemcachedKey = byMemcachedKey(batch);
    decodeInto(call(() -> memcached.getBulk(byMemcachedKey.keySet())), byMemcachedKey, into);
  }

  /** Stores without looking at what was there (the caller needs neither the old value nor atomicity). */
  void write(K key, V value, long expireAt, long now) {
    byte[] bytes = encode(keyBytes(key), key, value, expireAt);
    call(() -> memcached.set(memcachedKey(key), Ttl.forDeadline(expireAt, now), bytes));
  }

  /** Deletes unconditionally; true when an item (live or expired) was there. */
  boolean delete(K key) {
    return call(() -> memcached.delete(memcachedKey(key)));
  }

  /**
   * Applies {@code mutation} atomically across JVMs: memcached gets, decide, cas/add/delete, retried on conflict.
   *
   * @throws CacheException if memcached is unavailable or the entry stayed contended for every attempt
   */
  <R> Change<V, R> mutate(K key, Mutation<K, V, R> mutation) {
    return mutate(key, (UnreadableAwareMutation<K, V, R>) (live, unreadable, now) -> mutation.apply(live, now));
  }

  /** As {@link #mutate(Object, Mutation)}, telling the mutation when the stored item could not be decoded. */
  <R> Change<V, R> mutate(K key, UnreadableAwareMutation<K, V, R> mutation) {
    String mkey = memcachedKey(key);
    return mutate(key, mkey, mutation, transition -> memcached.update(mkey, transition));
  }

  /**
   * As {@link #mutate(Object, UnreadableAwareMutation)}, with other keys of this store read in the same round trip
   * as the entry's first {@code gets}, and handed to {@code beforeMutating} (entries found on the servers that
   * answered; the others' keys go to {@code unreachable}) before the mutation first runs. They are read once, not
   * again when a conflict makes the mutation run again.
   */
  <R> Change<V, R> mutate(K key, Collection<? extends K> alongside, java.util.Set<K> unreachable,
      java.util.function.Consumer<Map<K, StoredEntry<K, V>>> beforeMutating, UnreadableAwareMutation<K, V, R> mutation) {
    String mkey = memcachedKey(key);
    Map<String, K> byMemcachedKey = byMemcachedKey(alongside);
    java.util.Set<String> away = new java.util.HashSet<>();
    Map<String, byte[]> foundBytes = new java.util.HashMap<>();
    Versioned first = call(() -> memcached.getsAlongside(mkey, byMemcachedKey.keySet(), away, foundBytes));
    addUnreachable(away, byMemcachedKey, unreachable);
    Map<K, StoredEntry<K, V>> found = new LinkedHashMap<>();
    decodeInto(foundBytes, byMemcachedKey, found);
    beforeMutating.accept(found);
    return mutate(key, mkey, mutation, transition -> memcached.update(mkey, first, transition));
  }

  private <R> Change<V, R> mutate(K key, String mkey, UnreadableAwareMutation<K, V, R> mutation,
      java.util.function.Function<Transition<Change<V, R>>, Update<Change<V, R>>> updater) {
    byte[][] keyBytes = new byte[1][];
    Update<Change<V, R>> update = call(() -> updater.apply(bytes -> {
      long now = System.currentTimeMillis();
      StoredEntry<K, V> current = bytes == null ? null : decode(bytes, key);
      StoredEntry<K, V> live = current == null || current.isExpired(now) ? null : current;
      // a forged item (unsigned or altered, see Memcached.isForged) is nobody's: it may be replaced as if absent
      boolean unreadable = bytes != null && current == null && !io.caspian.memcached.Memcached.isForged(bytes);
      Change<V, R> change = mutation.apply(live, unreadable, now);
      return switch (change.kind()) {
        case KEEP -> Decision.keep(change);
        case REMOVE -> Decision.remove(change);
        case WRITE -> {
          if (change.expireAt() <= now) {
            // created or updated with a zero duration: the entry must not be visible at all
            yield Decision.remove(change);
          }
          if (keyBytes[0] == null) {
            keyBytes[0] = keyBytes(key);
          }
          yield Decision.write(encode(keyBytes[0], key, change.value(), change.expireAt()),
              Ttl.forDeadline(change.expireAt(), now), change);
        }
      };
    }));
    if (update.status() == Update.Status.GAVE_UP) {
      throw new CacheException("entry " + key + " stayed contended for " + update.attempts()
          + " CAS attempts; nothing was changed");
    }
    return update.result();
  }

  /** The memcached keys of every entry of this cache (see {@link Memcached#keys} for the cost). */
  List<String> memcachedKeys() {
    return call(() -> memcached.keys(prefix));
  }

  /** The entries stored under the given memcached keys, decoding their own keys. */
  List<StoredEntry<K, V>> readStored(Collection<String> memcachedKeys) {
    Map<String, byte[]> found = call(() -> memcached.getBulk(memcachedKeys));
    List<StoredEntry<K, V>> entries = new ArrayList<>(found.size());
    for (byte[] bytes : found.values()) {
      StoredEntry<K, V> entry = decode(bytes, null);
      if (entry != null) {
        entries.add(entry);
      }
    }
    return entries;
  }

  /**
   * Starts adding {@code delta} to the counter under {@code key} (created at {@code initial} when absent) and
   * returns at once; the supplier waits for the new value. An item that is not a counter (an entry written with
   * {@code put}, or foreign bytes) is replaced by a counter at {@code initial}: the counter's owner decides what an
   * unreadable counter means, as it does for an absent one.
   *
   * @throws CacheException from the supplier when memcached cannot be reached
   */
  java.util.function.LongSupplier incrementLater(K key, long delta, long initial) {
    String mkey = memcachedKey(key);
    java.util.function.LongSupplier pending = call(() -> memcached.incrLater(mkey, delta, initial, 0));
    return () -> {
      try {
        return call(pending::getAsLong);
      } catch (io.caspian.memcached.NotACounterException e) {
        memcached.stats().recordUndecodable();
        LOG.log(System.Logger.Level.WARNING, () -> e.getMessage() + "; replaced by a new counter");
        call(() -> memcached.delete(mkey));
        return call(memcached.incrLater(mkey, delta, initial, 0)::getAsLong);
      }
    };
  }

  /** Deletes every item of this cache, without touching other caches or namespaces. */
  void clear() {
    for (String mkey : memcachedKeys()) {
      call(() -> memcached.delete(mkey));
    }
  }

  private byte[] encode(byte[] keyBytes, K key, V value, long expireAt) {
    try {
      return codec.encode(keyBytes, value, expireAt);
    } catch (CodecException e) {
      throw new CacheException("value for key " + key + " cannot be stored: " + e.getMessage(), e);
    }
  }

  private StoredEntry<K, V> decode(byte[] bytes, K key) {
    try {
      return codec.decode(bytes, key);
    } catch (io.caspian.memcached.security.TamperedValueException e) {
      return null; // counted and logged by the transport
    } catch (RejectedClassException e) {
      memcached.stats().recordRejectedClass();
      logMiss(key, e);
      return null;
    } catch (CodecException e) {
      memcached.stats().recordUndecodable();
      logMiss(key, e);
      return null;
    }
  }

  /**
   * One WARN per distinct reason (the class or the limit; a planted item must not flood the log), later ones at
   * DEBUG; the key only as a hash of its memcached key, since keys may hold personal data.
   */
  private void logMiss(K key, CodecException e) {
    String reason = e.getMessage();
    System.Logger.Level level = WARNED.size() < WARNED_LIMIT && WARNED.add(reason)
        ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG;
    LOG.log(level, () -> "entry " + (key == null ? "" : io.caspian.memcached.LogSafe.keyHash(memcachedKey(key)) + " ")
        + "of " + io.caspian.memcached.LogSafe.escape(prefix) + " read as a miss: " + reason
        + (reason != null && reason.startsWith("rejected: class") ? " (admit its class with " + io.caspian.memcached.MemcachedSettings
        .SERIALIZATION_ALLOW + " if you store it; further misses for this reason are logged at DEBUG)" : ""));
  }

  private static final java.util.Set<String> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final int WARNED_LIMIT = 1000;

  private static long call(java.util.function.LongSupplier operation) {
    try {
      return operation.getAsLong();
    } catch (MemcachedUnavailableException e) {
      throw new CacheException(e.getMessage(), e);
    }
  }

  private static <T> T call(java.util.function.Supplier<T> operation) {
    try {
      return operation.get();
    } catch (MemcachedUnavailableException e) {
      throw new CacheException(e.getMessage(), e);
    }
  }
}
