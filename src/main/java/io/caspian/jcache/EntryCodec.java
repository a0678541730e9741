package io.caspian.jcache;

import io.caspian.memcached.codec.CodecException;
import io.caspian.memcached.codec.ValueCodec;
import java.nio.ByteBuffer;

/**
 * The byte layout of a {@link StoredEntry}: a format byte, the deadline, then the key's and the value's encoded
 * forms ({@link ValueCodec}), the key's length-prefixed. The key is decoded only when asked for (iteration), since a
 * lookup already knows it.
 *
 * <p>Format {@code 'K'} (written): the deadline as a varint ({@code 0} eternal, else epoch millis + 1), the key's
 * length as a varint, key, value. Format {@code 'J'} (written by earlier versions, still read): the deadline as 8
 * bytes, the key's length as 4, key, value.
 *
 * <p>A counter (an item memcached's {@code incr} maintains: a decimal number in ASCII, perhaps space-padded) reads
 * as an eternal {@code Long} entry; it can never be mistaken for an entry, whose first byte is a format byte.
 */
final class EntryCodec {
  private static final byte LEGACY_FORMAT = 'J';
  private static final int LEGACY_HEADER = 1 + 8 + 4;
  private static final byte FORMAT = 'K';

  private final ValueCodec codec;
  private final ClassLoader classLoader;

  EntryCodec(ValueCodec codec, ClassLoader classLoader) {
    this.codec = codec;
    this.classLoader = classLoader;
  }

  /** The key as stored in the entry, for iteration. */
  byte[] keyBytes(Object key) {
    return codec.encode(key);
  }

  /**
   * The form a key's memcached key is hashed from: Java serialization as before the compact format, so that the
   * memcached key of an entry neither moved with this format nor depends on the adapters a node registered.
   */
  byte[] keyIdentity(Object key) {
    return codec.encodeSerialized(key);
  }

  byte[] encode(byte[] keyBytes, Object value, long expireAt) {
    byte[] valueBytes = codec.encode(value);
    long deadline = expireAt == StoredEntry.ETERNAL ? 0L : Math.max(0L, expireAt) + 1;
    ByteBuffer buffer = ByteBuffer.allocate(1 + 10 + 5 + keyBytes.length + valueBytes.length);
    buffer.put(FORMAT);
    putVarLong(buffer, deadline);
    putVarLong(buffer, keyBytes.length);
    buffer.put(keyBytes).put(valueBytes);
    byte[] out = new byte[buffer.position()];
    System.arraycopy(buffer.array(), 0, out, 0, out.length);
    return out;
  }

  /** The deadline alone, without decoding anything else. */
  long expireAt(byte[] bytes) {
    if (io.caspian.memcached.Memcached.isTampered(bytes)) {
      throw new io.caspian.memcached.security.TamperedValueException();
    }
    if (counterValue(bytes) != null) {
      return StoredEntry.ETERNAL;
    }
    return new Header(bytes).expireAt;
  }

  /**
   * Decodes an item.
   *
   * @param knownKey the key the item was looked up by, or null to decode the stored one
   * @throws CodecException if the bytes are not an entry or name a class the allow-list rejects
   */
  @SuppressWarnings("unchecked")
  <K, V> StoredEntry<K, V> decode(byte[] bytes, K knownKey) {
    if (io.caspian.memcached.Memcached.isTampered(bytes)) {
      throw new io.caspian.memcached.security.TamperedValueException();
    }
    Long counter = counterValue(bytes);
    if (counter != null) {
      // a counter does not store its key: iteration cannot name it
      return knownKey == null ? null : new StoredEntry<>(knownKey, (V) counter, StoredEntry.ETERNAL);
    }
    Header header = new Header(bytes);
    K key = knownKey;
    if (key == null) {
      byte[] keyBytes = new byte[header.keyLength];
      System.arraycopy(bytes, header.keyOffset, keyBytes, 0, header.keyLength);
      key = (K) codec.decode(keyBytes, classLoader);
    }
    int valueOffset = header.keyOffset + header.keyLength;
    byte[] valueBytes = new byte[bytes.length - valueOffset];
    System.arraycopy(bytes, valueOffset, valueBytes, 0, valueBytes.length);
    V value = (V) codec.decode(valueBytes, classLoader);
    return new StoredEntry<>(key, value, header.expireAt);
  }

  /** The value of a counter item, or null when {@code bytes} are not one. */
  static Long counterValue(byte[] bytes) {
    return io.caspian.memcached.CounterBytes.parse(bytes);
  }

  private static void putVarLong(ByteBuffer buffer, long value) {
    long v = value;
    while ((v & ~0x7fL) != 0) {
      buffer.put((byte) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    buffer.put((byte) v);
  }

  /** Where an item's parts are, read in either format, with every length checked against the item's size. */
  private static final class Header {
    final long expireAt;
    final int keyOffset;
    final int keyLength;
    private int position;

    Header(byte[] bytes) {
      if (bytes == null || bytes.length < 3 || (bytes[0] != FORMAT && bytes[0] != LEGACY_FORMAT)) {
        throw new CodecException("not a Caspian JCache entry");
      }
      long length;
      if (bytes[0] == LEGACY_FORMAT) {
        if (bytes.length < LEGACY_HEADER) {
          throw new CodecException("not a Caspian JCache entry");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, LEGACY_HEADER - 1);
        expireAt = buffer.getLong();
        length = buffer.getInt();
        position = LEGACY_HEADER;
      } else {
        position = 1;
        long deadline = varLong(bytes);
        expireAt = deadline == 0 ? StoredEntry.ETERNAL : deadline - 1;
        length = varLong(bytes);
      }
      if (length < 0 || length > bytes.length - position) {
        throw new CodecException("corrupt entry: key length " + length);
      }
      keyOffset = position;
      keyLength = (int) length;
    }

    private long varLong(byte[] bytes) {
      long value = 0;
      for (int shift = 0; shift < 64 && position < bytes.length; shift += 7) {
        byte b = bytes[position++];
        value |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return value;
        }
      }
      throw new CodecException("corrupt entry: bad varint");
    }
  }
}
