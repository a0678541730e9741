package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.caspian.hibernate.protocol.CachedItem;
import io.caspian.hibernate.protocol.LockId;
import io.caspian.hibernate.protocol.SoftLockState;
import io.caspian.hibernate.protocol.Stamped;
import io.caspian.hibernate.protocol.TableState;
import io.caspian.memcached.KeyEncoder;
import io.caspian.memcached.MemcachedSettings;
import io.caspian.memcached.codec.ValueCodec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Golden values of what Caspian's Hibernate layer puts on the wire, recorded once and never to be edited: nodes of
 * different releases share a namespace during a rolling deploy, so they must derive the same memcached key for the
 * same key object and read each other's values.
 *
 * <p>A memcached key is the SHA-256 of the key object's <em>Java serialization</em> ({@code EntryCodec.keyIdentity}),
 * which names the key's class, plus that class's simple name as a readable hint ({@link KeyEncoder}): moving or
 * renaming any class used as (or inside) a key changes every key of it, and the nodes of two releases would no longer
 * see each other's soft locks, evictions or heartbeats. The key stored inside an entry (for iteration) and the values
 * are written in the compact format; their bytes are pinned too, so that moving a value record (allowed: the compact
 * format names type ids, not classes) is proven not to change them.
 */
class WireKeysTest {
  private static final String NAMESPACE = "hibernate";
  private static final KeyEncoder ENCODER = new KeyEncoder(NAMESPACE);
  /** The codec a Caspian cache manager builds from default settings and the region factory's adapters. */
  private static final ValueCodec CODEC =
      new ValueCodec(MemcachedSettings.builder().build(), CaspianTypeAdapters.all());
  private static final UUID NODE = new UUID(0x0123456789abcdefL, 0xfedcba9876543210L);

  /** Every key object the Hibernate layer stores under, by the cache it is used in. */
  private static Map<String, Object[]> keys() {
    Map<String, Object[]> keys = new LinkedHashMap<>();
    keys.put("entity", new Object[] {"io.caspian.Item", new CaspianCacheKey("io.caspian.Item", 7L, null, 7L)});
    keys.put("entity of a tenant",
        new Object[] {"io.caspian.Item", new CaspianCacheKey("io.caspian.Item", "x-1", "acme", "x-1", 42)});
    keys.put("composite id", new Object[] {"io.caspian.Line",
        new CaspianCacheKey("io.caspian.Line", (java.io.Serializable) List.of(1L, "a"), null, null)});
    keys.put("collection", new Object[] {"io.caspian.Item.tags",
        new CaspianCacheKey("io.caspian.Item.tags", 7L, null, 7L)});
    keys.put("natural id", new Object[] {"io.caspian.Item##NaturalId",
        new CaspianCacheKey("io.caspian.Item##NaturalId", "CODE-7", null, "CODE-7")});
    keys.put("region epoch, first copy", new Object[] {"io.caspian.Item", RegionStore.EpochKey.EPOCH});
    keys.put("region epoch, further copy", new Object[] {"io.caspian.Item", new RegionEpoch.EpochCopy(3)});
    keys.put("heartbeat", new Object[] {CaspianRegionFactory.NODES_CACHE, new NodeLiveness.NodeKey(NODE)});
    keys.put("cluster clock", new Object[] {CaspianRegionFactory.META_CACHE, ClusterClock.KEY});
    return keys;
  }

  private static final Map<String, String> MEMCACHED_KEYS = Map.of(
      "entity",
      "hibernate:io.caspian.Item:x:CaspianCacheKey:PTfBAFgJ1BsJ8Fr8NtRmz-14vcWnbwdje_4aiS1rdGU",
      "entity of a tenant",
      "hibernate:io.caspian.Item:x:CaspianCacheKey:_N2xAYJMzEpEsVyStvuvlpuNWzbAV-HMFlw_9XVIlis",
      "composite id",
      "hibernate:io.caspian.Line:x:CaspianCacheKey:yZkyhwIQ5r0J-5N92onrwke0NxLWDT0SaYIOIrC-rRA",
      "collection",
      "hibernate:io.caspian.Item.tags:x:CaspianCacheKey:lT86vez8LDMWNlSi4bz9hw7dTp5ANOdLB9f1lEXZDpA",
      "natural id",
      "hibernate:io.caspian.Item##NaturalId:x:CaspianCacheKey:t85wKdyk8P_f6McE9z3t9StdBTyepBtJLoruIW4CUBU",
      "region epoch, first copy",
      "hibernate:io.caspian.Item:x:EpochKey:Oun24_wsKGlTFodrEqjMwEpk_PP-r_B9EwmqUD1I8tk",
      "region epoch, further copy",
      "hibernate:io.caspian.Item:x:EpochCopy:4JTRu5QMc_WXVVMkHPsXTvx7GajvaJH51Ajcei7UAks",
      "heartbeat",
      "hibernate:caspian.hibernate.nodes:x:NodeKey:lPX3AfcuAj6P6-uDW7uXscYmuVTD6Qg4Id-SxfEIt6Q",
      "cluster clock", "hibernate:caspian.hibernate.meta:s:clock");

  /** The compact form of each key as stored inside its entry (Base64), read back when a cache is iterated. */
  private static final Map<String, String> STORED_KEYS = Map.of(
      "entity", "Ax0ID2lvLmNhc3BpYW4uSXRlbQYOAA==",
      "entity of a tenant", "Ax0ID2lvLmNhc3BpYW4uSXRlbQoDeC0xCgRhY21l",
      "composite id",
      "Ax0ID2lvLmNhc3BpYW4uTGluZRyJAaztAAVzcgARamF2YS51dGlsLkNvbGxTZXJXjqu2OhuoEQMAAUkAA3RhZ3hwAAAAAXcEAAAA"
          + "AnNyAA5qYXZhLmxhbmcuTG9uZzuL5JDMjyPfAgABSgAFdmFsdWV4cgAQamF2YS5sYW5nLk51bWJlcoaslR0LlOCLAgAAeHAAAAAA"
          + "AAAAAXQAAWF4AA==",
      "collection", "Ax0IFGlvLmNhc3BpYW4uSXRlbS50YWdzBg4A",
      "natural id", "Ax0IGmlvLmNhc3BpYW4uSXRlbSMjTmF0dXJhbElkCgZDT0RFLTcA",
      "region epoch, first copy",
      "AxkpaW8uY2FzcGlhbi5oaWJlcm5hdGUuUmVnaW9uU3RvcmUkRXBvY2hLZXkFRVBPQ0g=",
      "region epoch, further copy", "Ax0JBg==",
      "heartbeat",
      "AaztAAVzcgApaW8uY2FzcGlhbi5oaWJlcm5hdGUuTm9kZUxpdmVuZXNzJE5vZGVLZXkAAAAAAAAAAAIAAUwABG5vZGV0ABBMamF2"
          + "YS91dGlsL1VVSUQ7eHBzcgAOamF2YS51dGlsLlVVSUS8mQP3mG2FLwIAAkoADGxlYXN0U2lnQml0c0oAC21vc3RTaWdCaXRzeHD+"
          + "3LqYdlQyEAEjRWeJq83v",
      "cluster clock", "AwoFY2xvY2s=");

  private static Map<String, Object> values() {
    LockId a = new LockId(NODE, 5);
    LockId b = new LockId(new UUID(1, 2), 9);
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("item", new Stamped(4, new CachedItem(new MappedValue(11, "row"), 3L, 4096_000L)));
    values.put("held lock", new Stamped(4, SoftLockState.held(
        List.of(new SoftLockState.Lease(a, 9_000), new SoftLockState.Lease(b, 8_000)), 3L, true, 100)));
    values.put("released lock", new Stamped(4, SoftLockState.released(7_000)));
    values.put("table state", TableState.beginWrite(TableState.writtenAt(500), a, 9_000, 600));
    return values;
  }

  private static final Map<String, String> VALUES = Map.of(
      "item", "Ax0BCB0DHQIWCgNyb3cGBoCA9AM=",
      "held lock",
      "Ax0BCB0EAgAAAAAAAAABAAAAAAAAAAISgH0BI0VniavN7/7cuph2VDIQCtCMAdCMAQYGAcgB",
      "released lock", "Ax0BCB0EALBtAAGwbQ==",
      "table state", "Ax0HAADoBwEBI0VniavN7/7cuph2VDIQCtCMAQ==");

  @Test
  void memcachedKeysAreUnchanged() {
    Map<String, String> actual = new LinkedHashMap<>();
    keys().forEach((name, cacheAndKey) -> actual.put(name, memcachedKey((String) cacheAndKey[0], cacheAndKey[1])));
    assertEquals(new LinkedHashMap<>(ordered(MEMCACHED_KEYS)), actual,
        "a class used as or inside a cache key moved or changed: nodes of the previous release would no longe"
            + "r"
            + " share its keys (see WireKeysTest's javadoc)");
  }

  @Test
  void keysStoredInEntriesAreUnchanged() {
    Map<String, String> actual = new LinkedHashMap<>();
    keys().forEach((name, cacheAndKey) -> actual.put(name, base64(CODEC.encode(cacheAndKey[1]))));
    assertEquals(new LinkedHashMap<>(ordered(STORED_KEYS)), actual);
  }

  @Test
  void valuesAreUnchanged() {
    Map<String, String> actual = new LinkedHashMap<>();
    values().forEach((name, value) -> actual.put(name, base64(CODEC.encode(value))));
    Map<String, String> expected = new LinkedHashMap<>();
    values().keySet().forEach(name -> expected.put(name, VALUES.get(name)));
    assertEquals(expected, actual, "a compact type id or field layout changed");
  }

  /** The memcached key the transport uses for {@code key} in cache {@code cacheName} (as {@code EntryStore}). */
  static String memcachedKey(String cacheName, Object key) {
    return ENCODER.encode(ENCODER.cachePrefix(cacheName), key, CODEC::encodeSerialized);
  }

  private static Map<String, String> ordered(Map<String, String> golden) {
    Map<String, String> ordered = new LinkedHashMap<>();
    keys().keySet().forEach(name -> ordered.put(name, golden.get(name)));
    return ordered;
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
