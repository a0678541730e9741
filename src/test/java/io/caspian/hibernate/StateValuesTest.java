package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Comparator;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StateValuesTest {
  private static final LockId A = new LockId(new UUID(0, 1), 1);

  @Test
  void versionOrderTreatsUnknownAsNeverNewer() {
    @SuppressWarnings({"unchecked", "rawtypes"})
    VersionOrder ints = VersionOrder.of((Comparator) Comparator.naturalOrder());
    assertTrue(ints.isNewer(1, 2));
    assertFalse(ints.isNewer(2, 2));
    assertFalse(ints.isNewer(null, 2));
    assertFalse(ints.isNewer(1, null));
    assertFalse(VersionOrder.NONE.isNewer(1, 2));
    assertEquals(2, ints.max(1, 2));
    assertEquals(2, ints.max(2, 1));
    assertEquals(1, ints.max(null, 1));
    assertEquals(1, ints.max(1, null));
    assertEquals(1, VersionOrder.NONE.max(1, 2), "without an order the first known version is kept");
  }

  @Test
  void negativeHoldersAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new SoftLockState(A, 0, null, -1, false, 0));
  }

  @Test
  void statesSurviveSerialization() throws Exception {
    Object[] values = {
      new Stamped(3, new CachedItem("v", 1L, 5)),
      new Stamped(3, SoftLockState.held(A, 10, 2)),
      new TableState(1, 2, 3)
    };
    for (Object value : values) {
      assertEquals(value, roundTrip(value));
    }
  }

  private static Object roundTrip(Object value) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return in.readObject();
    }
  }

  @Test
  void entriesOfOlderEpochsAreGoneExceptHeldLocks() {
    CachedItem item = new CachedItem("v", 1, 0);
    SoftLockState held = SoftLockState.held(A, 10, 1);
    assertEquals(new Stamped.View(5, null), Stamped.resolve(null, 5));
    assertEquals(new Stamped.View(5, item), Stamped.resolve(new Stamped(5, item), 5));
    assertEquals(new Stamped.View(5, null), Stamped.resolve(new Stamped(4, item), 5));
    assertEquals(new Stamped.View(5, null), Stamped.resolve(new Stamped(4, SoftLockState.released(A, 3)), 5));
    assertEquals(new Stamped.View(5, held), Stamped.resolve(new Stamped(4, held), 5));
  }

  @Test
  void aNewerEpochInTheEntryWins() {
    CachedItem item = new CachedItem("v", 1, 0);
    assertEquals(new Stamped.View(6, item), Stamped.resolve(new Stamped(6, item), 5));
  }

  @Test
  void readersSeeOnlyTheirEpochOrNewer() {
    assertNull(Stamped.visible(null, 1));
    assertNull(Stamped.visible(new Stamped(0, "x"), 1));
    assertEquals("x", Stamped.visible(new Stamped(1, "x"), 1));
    assertEquals("x", Stamped.visible(new Stamped(2, "x"), 1));
  }

  @Test
  void clockAdvancesStrictlyAndNeverBelowLocalTimeOrWhatWasSeen() {
    assertEquals(11, ClockTicks.advance(10L, 5, 0));
    assertEquals(20, ClockTicks.advance(10L, 20, 0));
    assertEquals(31, ClockTicks.advance(10L, 5, 30), "a lost/reset clock key is repaired from what was seen");
    assertEquals(7, ClockTicks.advance(null, 7, 0));
    assertEquals(4096_000L, ClockTicks.of(1, java.util.concurrent.TimeUnit.SECONDS));
  }

  @Test
  void preInvalidateIsToldApartFromInvalidate() {
    long clock = ClockTicks.fromMillis(System.currentTimeMillis());
    assertTrue(TimestampsSignal.isPreInvalidate(clock + TimestampsSignal.PRE_INVALIDATE_FLAG));
    assertFalse(TimestampsSignal.isPreInvalidate(clock));
    assertTrue(TimestampsSignal.isPreInvalidate(TimestampsSignal.PRE_INVALIDATE_FLAG), "also when the clock was down");
    assertFalse(TimestampsSignal.isPreInvalidate(0));
  }
}
