package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaspianCacheKeyTest {
  @Test
  void arraysBecomeValueLists() {
    assertEquals(List.of(1L, "a"), CaspianCacheKeysFactory.canonical(new Object[] {1L, "a"}));
    assertEquals(Arrays.asList(1L, null), CaspianCacheKeysFactory.canonical(new Object[] {1L, null}));
    assertEquals(List.of((byte) 1, (byte) 2), CaspianCacheKeysFactory.canonical(new byte[] {1, 2}));
    assertEquals(7L, CaspianCacheKeysFactory.canonical(7L));
  }

  @Test
  void identityIsRoleIdAndTenantNotTheOriginalId() throws Exception {
    CaspianCacheKey a = new CaspianCacheKey("Item", 7L, null, 7L);
    CaspianCacheKey b = new CaspianCacheKey("Item", 7L, null, "whatever");
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertArrayEquals(bytes(a), bytes(b), "same bytes, hence the same memcached key, in every JVM");
    assertNotEquals(a, new CaspianCacheKey("Item", 7L, "tenant", 7L));
    assertNotEquals(a, new CaspianCacheKey("Other", 7L, null, 7L));
  }

  @Test
  void theMappingFingerprintIsNeitherIdentityNorStored() throws Exception {
    CaspianCacheKey v1 = new CaspianCacheKey("Item", 7L, null, 7L, 11);
    CaspianCacheKey v2 = new CaspianCacheKey("Item", 7L, null, 7L, 22);
    assertEquals(v1, v2);
    assertArrayEquals(bytes(v1), bytes(v2), "one memcached key for both mappings: invalidations cross them");
    assertArrayEquals(bytes(v1), bytes(new CaspianCacheKey("Item", 7L, null, 7L)));
    assertEquals(11, v1.mapping());
  }

  private static byte[] bytes(Object value) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectOutputStream stream = new ObjectOutputStream(out)) {
      stream.writeObject(value);
    }
    return out.toByteArray();
  }
}
