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
   * Bytes written by Caspian before leases: {@code Stamped(4, SoftLockState(id, deadline 5000, version 7L,
   * holders 2, concurrent, unlockTimestamp 0))} and {@code Stamped(4, SoftLockState.released(id, 800))}.
   */
  private static final String PRE_LEASE_HELD =
        "rO0ABXNyABxpby5jYXNwaWFuLmhpYmVybmF0ZS5TdGFtcGVkAAAAAAAAAAACAAJKAAVlcG9jaEwABXN0YXRldAASTGphdmEvbGFu"
        + "Zy9PYmplY3Q7eHAAAAAAAAAABHNyACJpby5jYXNwaWFuLmhpYmVybmF0ZS5Tb2Z0TG9ja1N0YXRlAAAAAAAAAAACAAZaAApjb25j"
        + "dXJyZW50SgAIZGVhZGxpbmVJAAdob2xkZXJzSgAPdW5sb2NrVGltZXN0YW1wTAACaWR0AB1MaW8vY2FzcGlhbi9oaWJlcm5hdGUv"
        + "TG9ja0lkO0wAB3ZlcnNpb25xAH4AAXhwAQAAAAAAABOIAAAAAgAAAAAAAAAAc3IAG2lvLmNhc3BpYW4uaGliZXJuYXRlLkxvY2tJ"
        + "ZAAAAAAAAAAAAgACSgAIc2VxdWVuY2VMAARub2RldAAQTGphdmEvdXRpbC9VVUlEO3hwAAAAAAAAAANzcgAOamF2YS51dGlsLlVV"
        + "SUS8mQP3mG2FLwIAAkoADGxlYXN0U2lnQml0c0oAC21vc3RTaWdCaXRzeHAAAAAAAAAACQAAAAAAAAAAc3IADmphdmEubGFuZy5M"
        + "b25nO4vkkMyPI98CAAFKAAV2YWx1ZXhyABBqYXZhLmxhbmcuTnVtYmVyhqyVHQuU4IsCAAB4cAAAAAAAAAAH";
  private static final String PRE_LEASE_RELEASED =
        "rO0ABXNyABxpby5jYXNwaWFuLmhpYmVybmF0ZS5TdGFtcGVkAAAAAAAAAAACAAJKAAVlcG9jaEwABXN0YXRldAASTGphdmEvbGFu"
        + "Zy9PYmplY3Q7eHAAAAAAAAAABHNyACJpby5jYXNwaWFuLmhpYmVybmF0ZS5Tb2Z0TG9ja1N0YXRlAAAAAAAAAAACAAZaAApjb25j"
        + "dXJyZW50SgAIZGVhZGxpbmVJAAdob2xkZXJzSgAPdW5sb2NrVGltZXN0YW1wTAACaWR0AB1MaW8vY2FzcGlhbi9oaWJlcm5hdGUv"
        + "TG9ja0lkO0wAB3ZlcnNpb25xAH4AAXhwAQAAAAAAAAMgAAAAAAAAAAAAAAMgc3IAG2lvLmNhc3BpYW4uaGliZXJuYXRlLkxvY2tJ"
        + "ZAAAAAAAAAAAAgACSgAIc2VxdWVuY2VMAARub2RldAAQTGphdmEvdXRpbC9VVUlEO3hwAAAAAAAAAANzcgAOamF2YS51dGlsLlVV"
        + "SUS8mQP3mG2FLwIAAkoADGxlYXN0U2lnQml0c0oAC21vc3RTaWdCaXRzeHAAAAAAAAAACQAAAAAAAAAAcA==";

  @Test
  void preLeaseLocksReadAsHeldByAnAnonymousLeaseUntilTheirDeadline() throws Exception {
    SoftLockState held = (SoftLockState) ((Stamped) decode(PRE_LEASE_HELD)).state();
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

    SoftLockState released = (SoftLockState) ((Stamped) decode(PRE_LEASE_RELEASED)).state();
    assertEquals(800, released.deadline());
    assertTrue(released.isExpiredAt(801), "its deadline is its unlock, as before");
  }

  private static Object decode(String base64) throws Exception {
    byte[] bytes = java.util.Base64.getDecoder().decode(base64);
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return in.readObject();
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

  @Test
  void preInvalidateIsToldApartFromInvalidate() {
    long clock = ClockTicks.fromMillis(System.currentTimeMillis());
    assertTrue(TimestampsSignal.isPreInvalidate(clock + TimestampsSignal.PRE_INVALIDATE_FLAG));
    assertFalse(TimestampsSignal.isPreInvalidate(clock));
    assertTrue(TimestampsSignal.isPreInvalidate(TimestampsSignal.PRE_INVALIDATE_FLAG), "also when the clock was down");
    assertFalse(TimestampsSignal.isPreInvalidate(0));
  }
}
