package io.caspian.memcached.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The compact format of {@link ValueCodec}: round trips, bounds against crafted bytes, old items. */
class CompactCodecTest {
  enum Colour { RED, GREEN { @Override public String toString() { return "g"; } } }

  record Point(int x, int y) implements Serializable {}

  static final TypeAdapter<Point> POINT = TypeAdapter.of(7, Point.class,
      (p, out) -> {
        out.writeInt(p.x());
        out.writeInt(p.y());
      },
      in -> new Point(in.readInt(), in.readInt()));

  private final ClassLoader loader = getClass().getClassLoader();
  private final ValueCodec codec =
      new ValueCodec("io.caspian.memcached.codec.*", 0, 1_000_000, TypeAdapters.of(List.of(POINT)));

  private Object roundTrip(Object value) {
    byte[] bytes = codec.encode(value);
    assertEquals(3, bytes[0], "compact tag for " + value);
    Object back = codec.decode(bytes, loader);
    if (value != null) {
      assertSame(value.getClass(), back.getClass(), "exact class of " + value);
    }
    return back;
  }

  @Test
  void everyBuiltInTypeRoundTripsWithItsExactClassAndEquality() {
    java.sql.Timestamp timestamp = new java.sql.Timestamp(1_700_000_000_123L);
    timestamp.setNanos(123_456_789);
    List<Object> values = List.of(true, false, (byte) -128, (byte) 127, (short) -32768, (short) 32767,
        Integer.MIN_VALUE, -1, 0, 63, 64, Integer.MAX_VALUE, Long.MIN_VALUE, -1L, 0L, Long.MAX_VALUE,
        1_700_000_000_000L, -0.0f, Float.NaN, 3.5f, Double.NEGATIVE_INFINITY, -0.0d, Math.PI, 'a', '\u0000', '\uffff',
        "", "plain ascii", "Grüße, 日本語, emoji \uD83D\uDE00, lone \uD800 surrogate, nul \u0000",
        new BigInteger("-123456789012345678901234567890"), BigInteger.ZERO, new BigDecimal("1.50"),
        new BigDecimal("-1E+30"), new BigDecimal("0.000"), UUID.randomUUID(), new UUID(0, 0),
        Instant.ofEpochSecond(-5, 999_999_999), Instant.MAX, Instant.MIN, LocalDate.MIN, LocalDate.of(2026, 12, 3),
        LocalTime.MAX, LocalTime.MIDNIGHT, LocalDateTime.of(2026, 12, 3, 13, 14, 15, 16),
        OffsetDateTime.of(2026, 12, 3, 13, 14, 15, 16, ZoneOffset.ofHoursMinutes(-5, -30)), Duration.ofNanos(-1),
        Duration.ofDays(365_000), new java.util.Date(-1L), new java.sql.Date(1_700_000_000_000L),
        new java.sql.Time(45_296_000L), timestamp, DayOfWeek.FRIDAY, Colour.GREEN, new Point(-3, Integer.MAX_VALUE));
    for (Object value : values) {
      assertEquals(value, roundTrip(value), "round trip of " + value);
    }
    assertEquals(123_456_789, ((java.sql.Timestamp) roundTrip(timestamp)).getNanos());
    assertSame(Colour.GREEN, roundTrip(Colour.GREEN));
    assertEquals(null, roundTrip(null));
  }

  @Test
  void arraysKeepTheirClassAndNestedValues() {
    byte[] bytes = {0, -1, 127};
    assertArrayEquals(bytes, (byte[]) roundTrip(bytes));
    assertArrayEquals(new byte[0], (byte[]) roundTrip(new byte[0]));
    Serializable[] state = {"name", 42L, null, (short) 3, new Serializable[] {1, "nested", new Object[] {}},
        new ArrayList<>(List.of("fallback", 1)), new java.util.HashMap<>(Map.of("k", 2)), new int[] {1, 2}};
    Serializable[] back = (Serializable[]) roundTrip(state);
    assertEquals(state.length, back.length);
    assertSame(Serializable[].class, back[4].getClass());
    assertSame(Object[].class, ((Object[]) back[4])[2].getClass());
    assertTrue(Arrays.deepEquals(Arrays.copyOf(state, 7), Arrays.copyOf(back, 7)), Arrays.deepToString(back));
    assertArrayEquals((int[]) state[7], (int[]) back[7]);
    assertSame(ArrayList.class, back[5].getClass());
    Object[] objects = {new Point(1, 2), Colour.RED, new Object[] {new Point(3, 4)}};
    assertTrue(Arrays.deepEquals(objects, (Object[]) roundTrip(objects)));
  }

  @Test
  void aValueOfAnUnknownClassIsWrittenAsBeforeAndAnEmbeddedOneThroughTheFilter() {
    List<String> list = new ArrayList<>(List.of("a"));
    assertEquals(1, codec.encode(list)[0], "tag 1: old readers still read it");
    assertEquals(list, codec.decode(codec.encode(list), loader));
    ValueCodec strict = new ValueCodec("", 0, 1_000_000);
    ValueCodec lenient = new ValueCodec(Point.class.getName(), 0, 1_000_000);
    byte[] embedded = lenient.encode(new Object[] {new Point(1, 2)});
    assertEquals(3, embedded[0]);
    assertThrows(RejectedClassException.class, () -> strict.decode(embedded, loader));
    assertEquals(new Point(1, 2), ((Object[]) lenient.decode(embedded, loader))[0]);
  }

  @Test
  void anEnumOutsideTheAllowListIsRejectedBeforeItsClassIsLoaded() {
    byte[] bytes = codec.encode(Colour.RED);
    ValueCodec strict = new ValueCodec("", 0, 1_000_000);
    assertThrows(RejectedClassException.class, () -> strict.decode(bytes, loader));
    assertSame(Colour.RED, codec.decode(bytes, loader));
    assertSame(DayOfWeek.MONDAY, strict.decode(strict.encode(DayOfWeek.MONDAY), loader), "JDK enums are allowed");
    // the name is checked before any loading: a class that does not even exist is rejected, not "not found"
    byte[] renamed = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)
        .replace("CompactCodecTest$Colour", "CompactCodecTest$Absent")
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThrows(RejectedClassException.class, () -> strict.decode(renamed, loader));
    CodecException notFound = assertThrows(CodecException.class, () -> codec.decode(renamed, loader));
    assertTrue(notFound.getMessage().contains("not found"), notFound.getMessage());
  }

  @Test
  void oldItemsStillDecode() throws Exception {
    // tag 1 as every earlier version wrote it: the bare Java serialization stream behind the tag byte
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(1);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new Serializable[] {"old", 7L, (short) 2});
    }
    Serializable[] back = (Serializable[]) codec.decode(bytes.toByteArray(), loader);
    assertArrayEquals(new Serializable[] {"old", 7L, (short) 2}, back);
    assertEquals(2, new ValueCodec("", 16, 1_000_000).encodeSerialized("x".repeat(1000))[0]);
    assertEquals("x".repeat(1000), codec.decode(new ValueCodec("", 16, 1_000_000).encodeSerialized("x".repeat(1000)),
        loader));
  }

  @Test
  void largeCompactValuesAreDeflated() {
    ValueCodec deflating = new ValueCodec("", 1024, 1_000_000);
    Object[] large = new Object[1000];
    Arrays.fill(large, "same text again");
    byte[] bytes = deflating.encode(large);
    assertEquals(4, bytes[0]);
    assertTrue(bytes.length < 1000, "deflated: " + bytes.length);
    assertArrayEquals(large, (Object[]) deflating.decode(bytes, loader));
  }

  @Test
  void lengthPrefixesLargerThanTheBytesLeftFailFastWithoutAllocating() {
    // tag 3, STRING, length 2^31-1 as a varint, then 3 bytes
    byte[] string = {3, 10, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 'a', 'b', 'c'};
    byte[] array = {3, 26, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0, 0, 0};
    byte[] blob = {3, 11, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 1, 2, 3};
    byte[] java = {3, 28, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 1, 2, 3};
    byte[] huge = {3, 27, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, (byte) 0xff, 0x01};
    for (byte[] crafted : List.of(string, array, blob, java, huge)) {
      CodecException e = assertThrows(CodecException.class, () -> codec.decode(crafted, loader));
      assertTrue(e.getMessage().contains("bytes left") || e.getMessage().contains("varint"), e.getMessage());
    }
  }

  @Test
  void deepNestingFailsFastInsteadOfOverflowingTheStack() {
    byte[] nested = new byte[1 + 2 * 10_000 + 1];
    nested[0] = 3;
    for (int i = 0; i < 10_000; i++) {
      nested[1 + 2 * i] = 26;
      nested[2 + 2 * i] = 1;
    }
    nested[nested.length - 1] = 0;
    CodecException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
        () -> assertThrows(CodecException.class, () -> codec.decode(nested, loader)));
    assertTrue(e.getMessage().contains("nested deeper"), e.getMessage());
    Object[] deep = new Object[0];
    for (int i = 0; i < 100; i++) {
      deep = new Object[] {deep};
    }
    Object[] tooDeep = deep;
    assertThrows(CodecException.class, () -> codec.encode(tooDeep), "nothing is written that cannot be read");
    Object[] cycle = new Object[1];
    cycle[0] = cycle;
    assertThrows(CodecException.class, () -> codec.encode(cycle));
  }

  @Test
  void truncatedTrailingOrUnknownBytesAreCodecExceptions() {
    byte[] good = codec.encode(new Serializable[] {"value", 1L, Instant.EPOCH, new Point(1, 2)});
    for (int cut = 1; cut < good.length; cut++) {
      byte[] truncated = Arrays.copyOf(good, cut);
      assertThrows(CodecException.class, () -> codec.decode(truncated, loader), "cut at " + cut);
    }
    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    assertThrows(CodecException.class, () -> codec.decode(trailing, loader));
    assertThrows(CodecException.class, () -> codec.decode(new byte[] {3, 99}, loader), "unknown tag");
    assertThrows(CodecException.class, () -> codec.decode(new byte[] {3, 29, 8, 0}, loader), "unknown type id");
    assertThrows(CodecException.class, () -> codec.decode(new byte[] {3, 17, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f}, loader), "time out of range");
    assertThrows(CodecException.class, () -> codec.decode(new byte[] {3, 10, 2, (byte) 0xc3, 'a'}, loader),
        "malformed string");
    byte[] deflated = new ValueCodec("", 16, 1_000_000).encode("y".repeat(500));
    assertEquals(4, deflated[0]);
    assertThrows(CodecException.class, () -> codec.decode(Arrays.copyOf(deflated, deflated.length - 2), loader));
    assertFalse(new ValueCodec("", 0, 1_000_000).adapters().list().contains(POINT));
  }

  @Test
  void adaptersAreCheckedForClashes() {
    TypeAdapter<Point> sameId = TypeAdapter.of(7, Point.class, (p, out) -> { }, in -> null);
    assertThrows(IllegalArgumentException.class, () -> TypeAdapters.of(List.of(POINT, sameId)));
    assertThrows(IllegalArgumentException.class, () -> TypeAdapter.of(0, Point.class, (p, out) -> { }, in -> null));
    assertThrows(IllegalArgumentException.class, () -> TypeAdapters.from(Map.of(TypeAdapters.PROPERTY, "x")));
    assertSame(TypeAdapters.NONE, TypeAdapters.from(Map.of()));
  }
}
