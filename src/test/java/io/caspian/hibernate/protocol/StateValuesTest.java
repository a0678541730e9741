package io.caspian.hibernate.protocol;

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
import java.util.List;
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
  void twoLeasesOfOneHolderAreRejected() {
    List<SoftLockState.Lease> twice = List.of(new SoftLockState.Lease(A, 1), new SoftLockState.Lease(A, 2));
    assertThrows(IllegalArgumentException.class, () -> new SoftLockState(twice, 0, null, true, 0));
    assertThrows(IllegalArgumentException.class, () -> SoftLockState.held(List.of(), null, false, 0));
  }

  @Test
  void leasesAreKeptInOneOrderAndGiveTheDeadline() {
    LockId b = new LockId(new UUID(0, 2), 1);
    SoftLockState.Lease la = new SoftLockState.Lease(A, 30);
    SoftLockState.Lease lb = new SoftLockState.Lease(b, 20);
    SoftLockState ab = SoftLockState.held(List.of(la, lb), 1, true, 0);
    assertEquals(ab, SoftLockState.held(List.of(lb, la), 1, true, 0));
    assertEquals(List.of(la, lb), ab.leases());
    assertEquals(30, ab.deadline(), "a held lock's deadline is its latest lease's");
    assertEquals(List.of(la), ab.leasesLiveAt(25));
    assertTrue(ab.isHeld());
    assertFalse(ab.isExpiredAt(30));
    assertTrue(ab.isExpiredAt(31));
  }

  @Test
  void statesSurviveSerialization() throws Exception {
    Object[] values = {
      new Stamped(3, new CachedItem("v", 1L, 5)),
      new Stamped(3, SoftLockState.held(A, 10, 2)),
      new Stamped(3, SoftLockState.held(
          List.of(new SoftLockState.Lease(A, 10), new SoftLockState.Lease(new LockId(new UUID(0, 2), 7), 12)),
          2L, true, 5)),
      new Stamped(3, SoftLockState.released(9)),
      new TableState(1, 2, 3)
    };
    for (Object value : values) {
      assertEquals(value, roundTrip(value));
    }
  }

  /**
   * A lock written before leases existed, as Java deserialization built it from that shape ({@code id, deadline,
   * version, holders, concurrent, unlockTimestamp}): without {@code leases}. Those bytes named the classes of the
   * flat {@code io.caspian.hibernate} package and no longer decode (see {@code CompactStateTest}); the anonymous lease
   * they were read as lives on in locks joined since, which are stored compactly.
   */
  @Test
  void preLeaseLocksReadAsHeldByAnAnonymousLeaseUntilTheirDeadline() throws Exception {
    SoftLockState held = new SoftLockState(null, 5000, 7L, true, 0);
    assertEquals(SoftLockState.held(List.of(new SoftLockState.Lease(SoftLockState.LEGACY_HOLDER, 5000)), 7L, true, 0),
        held);
    assertEquals(held, roundTrip(held));
    assertFalse(ReadWriteTransitions.putFromLoad(held, "v", 8L, 0, 5000, false, VersionOrder.NONE).accepted());
    assertFalse(ReadWriteTransitions.putFromLoad(held, "v", 8L, 0, 5001, false, VersionOrder.NONE).accepted(),
        "expired, but only loads begun after its deadline may replace it");
    assertTrue(ReadWriteTransitions.putFromLoad(held, "v", 8L, 5000, 5001, false, VersionOrder.NONE).accepted());
    LockId b = new LockId(new UUID(0, 2), 1);
    SoftLockState joined = ReadWriteTransitions.lock(held, b, 7L, 9000, 4000, VersionOrder.NONE);
    assertEquals(List.of(new SoftLockState.Lease(SoftLockState.LEGACY_HOLDER, 5000), new SoftLockState.Lease(b, 9000)),
        joined.leases());
    assertFalse(((SoftLockState) ReadWriteTransitions.unlock(joined, b, 6000)).isHeld());

    SoftLockState released = new SoftLockState(null, 800, null, true, 800);
    assertEquals(800, released.deadline());
    assertTrue(released.isExpiredAt(801), "its deadline is its unlock, as before");
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
    assertEquals(new Stamped.View(5, null), Stamped.resolve(new Stamped(4, SoftLockState.released(3)), 5));
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
    assertEquals(11, ClockTicks.advance(10L, 5, 0, 100));
    assertEquals(20, ClockTicks.advance(10L, 20, 0, 100));
    assertEquals(31, ClockTicks.advance(10L, 5, 30, 100), "a lost/reset clock key is repaired from what was seen");
    assertEquals(107, ClockTicks.advance(null, 7, 0, 100), "a lost clock is rebuilt ahead by the maximum skew");
    assertEquals(131, ClockTicks.advance(null, 7, 30, 100));
    assertEquals(4096_000L, ClockTicks.of(1, java.util.concurrent.TimeUnit.SECONDS));
  }
}
