package io.caspian.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.memcached.codec.ValueCodec;
import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class KeyEncoderTest {
  private final ValueCodec codec = new ValueCodec("", 0, 1_000_000);
  private final Function<Object, byte[]> serializer = codec::encode;
  private final KeyEncoder encoder = new KeyEncoder("app");
  private final String prefix = encoder.cachePrefix("users");

  record CompositeKey(String region, long id) implements Serializable {}

  @Test
  void readableKeysStayReadableAndTyped() {
    assertEquals("app:users:s:alice", encoder.encode(prefix, "alice", serializer));
    assertEquals("app:users:l:42", encoder.encode(prefix, 42L, serializer));
    assertEquals("app:users:i:42", encoder.encode(prefix, 42, serializer));
    assertNotEquals(encoder.encode(prefix, 42L, serializer), encoder.encode(prefix, 42, serializer));
    UUID u = UUID.randomUUID();
    assertEquals("app:users:u:" + u, encoder.encode(prefix, u, serializer));
  }

  @Test
  void unsafeAndLongKeysAreHashedWithinTheLimit() {
    String[] odd = {"with space", "tab\there", "new\nline", "ünïcødé", "x".repeat(1024), "", "a:b:c"};
    Set<String> encoded = new HashSet<>();
    for (String key : odd) {
      String k = encoder.encode(prefix, key, serializer);
      assertTrue(k.length() <= KeyEncoder.MAX_KEY_BYTES, k);
      assertTrue(k.chars().allMatch(c -> c > ' ' && c < 0x7f), k);
      assertTrue(k.startsWith(prefix), k);
      encoded.add(k);
    }
    assertEquals(odd.length, encoded.size(), "distinct keys must not collide");
    assertTrue(encoder.encode(prefix, "with space", serializer).contains("withspace"), "readable hint kept");
  }

  @Test
  void objectKeysAreStableAndDistinct() {
    String a1 = encoder.encode(prefix, new CompositeKey("eu", 1), serializer);
    String a2 = encoder.encode(prefix, new CompositeKey("eu", 1), serializer);
    String b = encoder.encode(prefix, new CompositeKey("eu", 2), serializer);
    assertEquals(a1, a2);
    assertNotEquals(a1, b);
    assertTrue(a1.startsWith(prefix + "x:CompositeKey:"), a1);
  }

  @Test
  void cachesAndNamespacesNeverShareAPrefix() {
    KeyEncoder other = new KeyEncoder("app2");
    assertNotEquals(encoder.cachePrefix("users"), other.cachePrefix("users"));
    assertNotEquals(encoder.cachePrefix("users"), encoder.cachePrefix("users2"));
    assertTrue(!encoder.cachePrefix("users2").startsWith(encoder.cachePrefix("users")));
    String weird = encoder.cachePrefix("org.example.Entity with spaces:and:colons");
    assertEquals(2, weird.chars().filter(c -> c == ':').count(), weird);
  }

  @Test
  void aNameSpelledLikeAnotherNamesEncodingIsEncodedApart() {
    // issue 10: a namespace or cache name equal to another name's hashed form read the other's entries
    String victim = "team one";
    String victimEncoded = KeyEncoder.safeName(victim);
    assertTrue(victimEncoded.startsWith("~"), victimEncoded);
    assertNotEquals(victimEncoded, KeyEncoder.safeName(victimEncoded), "the forged name is hashed too");
    assertNotEquals(new KeyEncoder(victim).cachePrefix("users"), new KeyEncoder(victimEncoded).cachePrefix("users"));
    assertNotEquals(encoder.cachePrefix(victim), encoder.cachePrefix(victimEncoded));
    assertEquals("plain.name-1_x", KeyEncoder.safeName("plain.name-1_x"), "ordinary names stay readable");
  }
}
