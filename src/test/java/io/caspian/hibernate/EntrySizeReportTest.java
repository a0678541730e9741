package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.hibernate.domain.Item;
import io.caspian.hibernate.protocol.CachedItem;
import io.caspian.hibernate.protocol.Stamped;
import io.caspian.memcached.Memcached;
import io.caspian.memcached.MemcachedSettings;
import io.caspian.memcached.codec.ValueCodec;
import io.caspian.testing.MemcachedExtension;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;
import org.hibernate.cache.spi.entry.StandardCacheEntryImpl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reports the bytes memcached holds for one cached entity, as Hibernate and Caspian really store it, in the compact
 * format and as the same entry would have been stored with Java serialization (layout {@code 'J'}, tag 1), and
 * their ratio to the raw state.
 *
 * <p>"Raw" is the sum of the compact encodings of the entity's disassembled values alone (each value with its
 * one-byte type tag, no array, no entry, no key): the least any self-describing format could store. The whole
 * stored item (memcached's value: layout byte, deadline, key, value) is compared with it; so is the Java
 * serialization of the disassembled {@code Serializable[]} alone, for scale. The entity is {@link Item}: id, natural
 * id {@code code}, {@code name}, numeric {@code version}, cached READ_WRITE with a mapping fingerprint.
 */
class EntrySizeReportTest {
  @RegisterExtension
  static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  @BeforeEach
  void needsProvider() {
    TwoNodes.assumeProvider();
  }

  @Test
  void compactEntityItemsAreAFractionOfJavaSerializedOnes() {
    ValueCodec compact = new ValueCodec(CaspianSettings.BUILT_IN_ALLOW, 0, 1_000_000, CaspianTypeAdapters.ALL);
    // what earlier versions wrote: Java serialization, deflated above the default threshold
    MemcachedSettings defaults = MemcachedSettings.fromProperties(Map.of(MemcachedSettings.SERVERS,
        memcached.addresses()));
    ValueCodec java = new ValueCodec(CaspianSettings.BUILT_IN_ALLOW, defaults.compressionThreshold(), 1_000_000);
    try (TwoNodes nodes = new TwoNodes(TwoNodes.CASPIAN, memcached.addresses());
        Memcached raw = new Memcached(defaults)) {
      nodes.a.inTransaction(s -> s.persist(new Item(1L, "ITEM-0001", "Blue widget, large")));
      nodes.b.fromTransaction(s -> s.find(Item.class, 1L));

      byte[] stored = null;
      Object key = null;
      Stamped value = null;
      for (String memcachedKey : raw.keys("")) {
        byte[] item = raw.get(memcachedKey);
        if (item == null || item[0] != 'K') {
          continue;
        }
        int[] position = {1};
        varint(item, position);
        int keyLength = (int) varint(item, position);
        byte[] keyBytes = Arrays.copyOfRange(item, position[0], position[0] + keyLength);
        byte[] valueBytes = Arrays.copyOfRange(item, position[0] + keyLength, item.length);
        Object decoded = compact.decode(valueBytes, getClass().getClassLoader());
        if (decoded instanceof Stamped stamped && stamped.state() instanceof CachedItem cached
            && cached.value() instanceof MappedValue mapped && mapped.value() instanceof StandardCacheEntryImpl) {
          assertEquals(3, keyBytes[0], "the key is compact too");
          assertEquals(3, valueBytes[0]);
          stored = item;
          key = compact.decode(keyBytes, getClass().getClassLoader());
          value = stamped;
        }
      }
      assertNotNull(stored, "the entity's item is in memcached");
      MappedValue mapped = (MappedValue) ((CachedItem) value.state()).value();
      Serializable[] state = ((StandardCacheEntryImpl) mapped.value()).getDisassembledState();

      int rawBytes = 0;
      for (Serializable v : state) {
        rawBytes += compact.encode(v).length - 1;
      }
      int javaState = java.encodeSerialized(state).length - 1;
      int before = 1 + 8 + 4 + java.encodeSerialized(key).length + java.encodeSerialized(value).length;
      int after = stored.length;
      System.out.printf("entity %s state %s%n", key, Arrays.toString(state));
      System.out.printf("raw state %d B (Java-serialized Serializable[] alone: %d B)%n", rawBytes, javaState);
      System.out.printf("stored item: before (Java serialization) %d B = %.1fx raw; after (compact) %d B = %.1fx raw;"
          + " after/before = %.2f%n", before, (double) before / rawBytes, after, (double) after / rawBytes,
          (double) after / before);
      // what the format adds whatever the state: layout, deadline, the key (role, id), the epoch stamp, the item's
      // timestamp, the mapping fingerprint, the subclass name and version; a state this much larger reaches 1.3x
      int overhead = after - rawBytes;
      System.out.printf("fixed overhead %d B: the stored item is <= 1.3x raw from a raw state of %d B on%n", overhead,
          (int) Math.ceil(overhead / 0.3));
      assertTrue(after * 5 < before, "compact item " + after + " B vs " + before + " B");
      assertTrue(after < javaState, "the whole compact item is smaller than the Java-serialized state alone");
    }
  }

  private static long varint(byte[] bytes, int[] position) {
    long value = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = bytes[position[0]++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
  }
}
