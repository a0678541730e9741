package io.caspian.jcache;

import io.caspian.memcached.CodecException;
import io.caspian.memcached.ValueCodec;
import java.nio.ByteBuffer;

/**
 * The byte layout of a {@link StoredEntry}: a format byte, the deadline, then the key's and the value's serialized
 * forms, each length-prefixed. The key is decoded only when asked for (iteration), since a lookup already knows it.
 *
 * <p>A counter (an item memcached's {@code incr} maintains: a decimal number in ASCII, perhaps space-padded) reads
 * as an eternal {@code Long} entry; it can never be mistaken for an entry, whose first byte is the format byte.
 */
final class EntryCodec {
  private static final byte FORMAT = 'J';
  private static final int HEADER = 1 + 8 + 4;

  private final ValueCodec codec;
  private final ClassLoader classLoader;

  EntryCodec(ValueCodec codec, ClassLoader classLoader) {
    this.codec = codec;
    this.classLoader = classLoader;
  }

  byte[] keyBytes(Object key) {
    return codec.encode(key);
  }

  byte[] encode(byte[] keyBytes, Object value, long expireAt) {
    byte[] valueBytes = codec.encode(value);
    ByteBuffer buffer = ByteBuffer.allocate(HEADER + keyBytes.length + valueBytes.length);
    buffer.put(FORMAT).putLong(expireAt).putInt(keyBytes.length).put(keyBytes).put(valueBytes);
    return buffer.array();
  }

  /** The deadline alone, without deserializing anything. */
  long expireAt(byte[] bytes) {
    if (counterValue(bytes) != null) {
      return StoredEntry.ETERNAL;
    }
    checkHeader(bytes);
    return ByteBuffer.wrap(bytes, 1, 8).getLong();
  }

  /**
   * Decodes an item.
   *
   * @param knownKey the key the item was looked up by, or null to decode the stored one
   * @throws CodecException if the bytes are not an entry or name a class the allow-list rejects
   */
  @SuppressWarnings("unchecked")
  <K, V> StoredEntry<K, V> decode(byte[] bytes, K knownKey) {
    Long counter = counterValue(bytes);
    if (counter != null) {
      // a counter does not store its key: iteration cannot name it
      return knownKey == null ? null : new StoredEntry<>(knownKey, (V) counter, StoredEntry.ETERNAL);
    }
    checkHeader(bytes);
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    buffer.get();
    long expireAt = buffer.getLong();
    int keyLength = buffer.getInt();
    if (keyLength < 0 || keyLength > bytes.length - HEADER) {
      throw new CodecException("corrupt entry: key length " + keyLength);
    }
    K key = knownKey;
    if (key == null) {
      byte[] keyBytes = new byte[keyLength];
      System.arraycopy(bytes, HEADER, keyBytes, 0, keyLength);
      key = (K) codec.decode(keyBytes, classLoader);
    }
    byte[] valueBytes = new byte[bytes.length - HEADER - keyLength];
    System.arraycopy(bytes, HEADER + keyLength, valueBytes, 0, valueBytes.length);
    V value = (V) codec.decode(valueBytes, classLoader);
    return new StoredEntry<>(key, value, expireAt);
  }

  /** The value of a counter item, or null when {@code bytes} are not one. */
  static Long counterValue(byte[] bytes) {
    return io.caspian.memcached.CounterBytes.parse(bytes);
  }

  private static void checkHeader(byte[] bytes) {
    if (bytes == null || bytes.length < HEADER || bytes[0] != FORMAT) {
      throw new CodecException("not a Caspian JCache entry");
    }
  }
}
