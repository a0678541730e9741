package io.caspian.memcached.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ValueCodecTest {
  static final AtomicInteger INSTANTIATED = new AtomicInteger();

  /** Counts every instance that deserialization brings to life. */
  static final class Gadget implements Serializable {
    private static final long serialVersionUID = 1L;

    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
      in.defaultReadObject();
      INSTANTIATED.incrementAndGet();
    }
  }

  record Allowed(String name, List<Integer> numbers) implements Serializable {}

  private final ClassLoader loader = getClass().getClassLoader();

  @Test
  void roundTripsJdkValuesWithoutConfiguration() {
    ValueCodec codec = new ValueCodec("", 16 * 1024, 1_000_000);
    Object[] values = {"text", 42L, new BigDecimal("1.50"), Instant.ofEpochMilli(7), Map.of("k", List.of(1, 2)),
        new int[] {1, 2, 3}, new ArrayList<>(List.of("a"))};
    for (Object v : values) {
      Object back = codec.decode(codec.encode(v), loader);
      if (v instanceof int[] ints) {
        assertArrayEquals(ints, (int[]) back);
      } else {
        assertEquals(v, back);
      }
    }
  }

  @Test
  void classOutsideTheAllowListIsRejectedAndNeverInstantiated() {
    ValueCodec writer = new ValueCodec(Gadget.class.getName(), 0, 1_000_000);
    ValueCodec reader = new ValueCodec("", 0, 1_000_000);
    byte[] bytes = writer.encode(new Gadget());
    int before = INSTANTIATED.get();
    assertThrows(RejectedClassException.class, () -> reader.decode(bytes, loader));
    assertEquals(before, INSTANTIATED.get());
    writer.decode(bytes, loader);
    assertEquals(before + 1, INSTANTIATED.get(), "the allowed reader does instantiate it");
  }

  @Test
  void allowListPatternsAdmitPackagesAndRecords() {
    ValueCodec codec = new ValueCodec("io.caspian.memcached.codec.*", 0, 1_000_000);
    Allowed value = new Allowed("n", List.of(1, 2));
    assertEquals(value, codec.decode(codec.encode(value), loader));
  }

  @Test
  void compressesLargeValuesAndReadsThemBack() {
    ValueCodec codec = new ValueCodec("", 1024, 1_000_000);
    String large = "abc".repeat(100_000);
    byte[] bytes = codec.encode(large);
    assertTrue(bytes.length < large.length() / 10, "deflated: " + bytes.length);
    assertEquals(large, codec.decode(bytes, loader));
  }

  @Test
  void tamperedOrForeignBytesAreACodecExceptionNotAnything() {
    ValueCodec codec = new ValueCodec("", 0, 1_000_000);
    byte[] good = codec.encode("value");
    byte[] flipped = good.clone();
    // the compact format has no redundancy in a string's characters (neither had Java serialization): flip its
    // structure, the value's type tag
    flipped[1] ^= 0x5a;
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
    byte[] foreign = "plain text someone else stored".getBytes();
    for (byte[] bad : List.of(flipped, truncated, foreign, new byte[0], new byte[] {9, 9, 9})) {
      assertThrows(CodecException.class, () -> codec.decode(bad, loader));
    }
  }

  @Test
  void unserializableValueIsACodecException() {
    ValueCodec codec = new ValueCodec("", 0, 1_000_000);
    CodecException e = assertThrows(CodecException.class, () -> codec.encode(new Object()));
    assertTrue(e.getMessage().contains("not serializable"), e.getMessage());
  }
}
