package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.hibernate.protocol.CachedItem;
import io.caspian.hibernate.protocol.LockId;
import io.caspian.hibernate.protocol.SoftLockState;
import io.caspian.hibernate.protocol.Stamped;
import io.caspian.hibernate.protocol.TableState;
import io.caspian.memcached.codec.CodecException;
import io.caspian.memcached.codec.ValueCodec;
import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.hibernate.cache.spi.entry.CollectionCacheEntry;
import org.hibernate.cache.spi.entry.StandardCacheEntryImpl;
import org.hibernate.cache.spi.entry.StructuredCollectionCacheEntry;
import org.junit.jupiter.api.Test;

/**
 * Every adapter of {@link CaspianTypeAdapters} round-trips through the compact format to an equal value of the same
 * class, without Java serialization where all its fields are compact types.
 */
class CompactStateTest {
  private final ValueCodec codec = new ValueCodec(CaspianSettings.BUILT_IN_ALLOW, 0, 1_000_000,
      CaspianTypeAdapters.ALL);
  private final ClassLoader loader = getClass().getClassLoader();

  static StandardCacheEntryImpl entityEntry(Serializable[] state, String subclass, Object version) {
    try {
      Constructor<StandardCacheEntryImpl> constructor = StandardCacheEntryImpl.class
          .getDeclaredConstructor(Serializable[].class, String.class, Object.class);
      constructor.setAccessible(true);
      return constructor.newInstance(state, subclass, version);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private Object roundTrip(Object value) {
    byte[] bytes = codec.encode(value);
    assertEquals(3, bytes[0], "compact: " + value);
    assertTrue(!new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).contains("\u00ac\u00ed"),
        "no embedded Java serialization stream in " + value);
    Object back = codec.decode(bytes, loader);
    assertSame(value.getClass(), back.getClass());
    return back;
  }

  /**
   * Bytes written by Caspian before the compact format (and before leases):
   * {@code Stamped(4, SoftLockState(id, deadline 5000, version 7L, holders 2, concurrent, unlockTimestamp 0))}, Java
   * serialization naming {@code io.caspian.hibernate.Stamped}. The state records now live in
   * {@code io.caspian.hibernate.protocol}, so such an item no longer decodes: it is an unreadable item, a miss that
   * loads leave alone until a writer's lock or an eviction replaces it (docs/hibernate-design.md, path 10). Compact
   * items name type ids, not classes, and are unaffected ({@link WireKeysTest}).
   */
  private static final String PRE_COMPACT_PRE_LEASE_HELD =
        "rO0ABXNyABxpby5jYXNwaWFuLmhpYmVybmF0ZS5TdGFtcGVkAAAAAAAAAAACAAJKAAVlcG9jaEwABXN0YXRldAASTGphdmEvbGFu"
        + "Zy9PYmplY3Q7eHAAAAAAAAAABHNyACJpby5jYXNwaWFuLmhpYmVybmF0ZS5Tb2Z0TG9ja1N0YXRlAAAAAAAAAAACAAZaAApjb25j"
        + "dXJyZW50SgAIZGVhZGxpbmVJAAdob2xkZXJzSgAPdW5sb2NrVGltZXN0YW1wTAACaWR0AB1MaW8vY2FzcGlhbi9oaWJlcm5hdGUv"
        + "TG9ja0lkO0wAB3ZlcnNpb25xAH4AAXhwAQAAAAAAABOIAAAAAgAAAAAAAAAAc3IAG2lvLmNhc3BpYW4uaGliZXJuYXRlLkxvY2tJ"
        + "ZAAAAAAAAAAAAgACSgAIc2VxdWVuY2VMAARub2RldAAQTGphdmEvdXRpbC9VVUlEO3hwAAAAAAAAAANzcgAOamF2YS51dGlsLlVV"
        + "SUS8mQP3mG2FLwIAAkoADGxlYXN0U2lnQml0c0oAC21vc3RTaWdCaXRzeHAAAAAAAAAACQAAAAAAAAAAc3IADmphdmEubGFuZy5M"
        + "b25nO4vkkMyPI98CAAFKAAV2YWx1ZXhyABBqYXZhLmxhbmcuTnVtYmVyhqyVHQuU4IsCAAB4cAAAAAAAAAAH";
  @Test
  void javaSerializedStatesOfTheFlatPackageNoLongerDecode() {
    byte[] stream = java.util.Base64.getDecoder().decode(PRE_COMPACT_PRE_LEASE_HELD);
    byte[] item = new byte[stream.length + 1];
    item[0] = 1; // the transport's tag of a plain Java serialization stream, as versions before the compact format wrote
    System.arraycopy(stream, 0, item, 1, stream.length);
    CodecException e = assertThrows(CodecException.class, () -> codec.decode(item, loader));
    assertTrue(e.getMessage().contains("class not found: io.caspian.hibernate.Stamped"), e.getMessage());
  }

  @Test
  void caspianStatesRoundTripEqual() {
    LockId a = new LockId(UUID.randomUUID(), 7);
    LockId b = new LockId(new UUID(-1L, Long.MIN_VALUE), Long.MAX_VALUE);
    List<Object> values = List.of(
        new Stamped(0L, null), new Stamped(-5L, "x"), new Stamped(Long.MAX_VALUE, new CachedItem(null, null, 0L)),
        new MappedValue(Integer.MIN_VALUE, 42L), new MappedValue(0, new Serializable[] {"a"}.length),
        new CachedItem("v", (short) 3, 1_700_000_000_000L), new CachedItem(1, new Timestamp(5), -1L),
        SoftLockState.held(a, 99L, 4), SoftLockState.held(List.of(new SoftLockState.Lease(b, 5),
            new SoftLockState.Lease(a, 6)), null, true, 12L), SoftLockState.released(77L),
        new SoftLockState(null, 10L, 2L, false, 0L), new SoftLockState.Lease(a, -3L), a, b,
        TableState.EMPTY, new TableState(2, 10L, 20L, List.of(new SoftLockState.Lease(a, 30L))),
        new TableState(1, 2L, 3L), new RegionEpoch.EpochCopy(3));
    for (Object value : values) {
      assertEquals(value, roundTrip(value), "round trip of " + value);
    }
    Timestamp version = new Timestamp(1_700_000_000_123L);
    version.setNanos(123_456_789);
    CachedItem item = (CachedItem) roundTrip(new CachedItem("v", version, 1L));
    assertEquals(123_456_789, ((Timestamp) item.version()).getNanos(), "Hibernate compares versions exactly");
    assertEquals(Short.class, ((CachedItem) roundTrip(new CachedItem(null, (short) 1, 1L))).version().getClass());
  }

  @Test
  void keysRoundTripEqualAndCarryNoTransientParts() {
    CaspianCacheKey key = new CaspianCacheKey("com.shop.Item", 42L, null, 42L, 1234);
    CaspianCacheKey back = (CaspianCacheKey) roundTrip(key);
    assertEquals(key, back);
    assertEquals(0, back.mapping(), "not stored, as with Java serialization");
    assertEquals(42L, back.original());
    CaspianCacheKey tenant = new CaspianCacheKey("Ünïcode-role", "", "tenant-1", null);
    assertEquals(tenant, roundTrip(tenant));
    assertEquals("tenant-1", ((CaspianCacheKey) roundTrip(tenant)).tenant());
    // a composite id (disassembled to a list) is embedded as Java serialization, read through the allow-list
    CaspianCacheKey composite = new CaspianCacheKey("com.shop.Line", new ArrayList<>(List.of(1L, "a")), null, null);
    assertEquals(composite, codec.decode(codec.encode(composite), loader));
  }

  @Test
  void hibernateEntriesRoundTripWithTheirStateArrays() {
    Timestamp created = new Timestamp(1_700_000_000_000L);
    created.setNanos(5);
    Serializable[] state = {"owner-1", 1000L, null, (short) 2, created, new Serializable[] {"embedded", 1}, ""};
    StandardCacheEntryImpl entry = entityEntry(state, "com.shop.Account", 3);
    StandardCacheEntryImpl back = (StandardCacheEntryImpl) roundTrip(entry);
    assertSame(Serializable[].class, back.getDisassembledState().getClass());
    assertTrue(Arrays.deepEquals(state, back.getDisassembledState()), Arrays.deepToString(back.getDisassembledState()));
    assertEquals("com.shop.Account", back.getSubclass());
    assertEquals(3, back.getVersion());
    StandardCacheEntryImpl unversioned =
        (StandardCacheEntryImpl) roundTrip(entityEntry(new Serializable[0], "X", null));
    assertNull(unversioned.getVersion());
    assertEquals(0, unversioned.getDisassembledState().length);

    Stamped stamped = new Stamped(5L, new MappedValue(99, new CachedItem(entry, 3, 4L)));
    Stamped stampedBack = (Stamped) roundTrip(stamped);
    assertEquals(5L, stampedBack.epoch());
    assertEquals(99, ((MappedValue) stampedBack.state()).mapping());
    CachedItem itemBack = (CachedItem) ((MappedValue) stampedBack.state()).value();
    assertEquals(3, itemBack.version());
    assertTrue(Arrays.deepEquals(state, ((StandardCacheEntryImpl) itemBack.value()).getDisassembledState()));

    CollectionCacheEntry collection = (CollectionCacheEntry) StructuredCollectionCacheEntry.INSTANCE
        .destructure(List.of(1L, 2L, 3L), null);
    CollectionCacheEntry collectionBack = (CollectionCacheEntry) roundTrip(collection);
    assertArrayEquals(collection.getState(), collectionBack.getState());
    assertSame(Serializable[].class, collectionBack.getState().getClass());
  }

  @Test
  void craftedAdapterFieldsAreCodecExceptions() {
    byte[] good = codec.encode(SoftLockState.held(new LockId(new UUID(1, 2), 3), 4L, null));
    for (int cut = 2; cut < good.length; cut++) {
      byte[] truncated = Arrays.copyOf(good, cut);
      assertThrows(CodecException.class, () -> codec.decode(truncated, loader), "cut at " + cut);
    }
    // two leases of one holder violate SoftLockState's invariant: a CodecException, not an IllegalArgumentException
    byte[] lease = Arrays.copyOfRange(good, 4, 4 + 16 + 1 + 1);
    byte[] twice = new byte[good.length + lease.length];
    System.arraycopy(good, 0, twice, 0, 4);
    twice[3] = 2;
    System.arraycopy(lease, 0, twice, 4, lease.length);
    System.arraycopy(good, 4, twice, 4 + lease.length, good.length - 4);
    CodecException e = assertThrows(CodecException.class, () -> codec.decode(twice, loader));
    assertTrue(e.getMessage().contains("two leases"), e.getMessage());
  }
}
