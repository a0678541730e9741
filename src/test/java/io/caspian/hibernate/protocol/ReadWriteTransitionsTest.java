package io.caspian.hibernate.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.hibernate.MappedValue;
import io.caspian.hibernate.protocol.SoftLockState.Lease;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ReadWriteTransitionsTest {
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final VersionOrder INTS = VersionOrder.of((Comparator) Comparator.naturalOrder());
  private static final LockId A = new LockId(new UUID(0, 1), 1);
  private static final LockId B = new LockId(new UUID(0, 2), 1);
  private static final LockId C = new LockId(new UUID(0, 3), 1);
  private static final LockId D = new LockId(new UUID(0, 4), 1);
  private static final long DEADLINE = 1_000;
  private static final long NOW = 100;

  private static SoftLockState lockedByA(ReadWriteState old, Object version) {
    return ReadWriteTransitions.lock(old, A, version, DEADLINE, NOW, INTS);
  }

  @Nested
  class Read {
    @Test
    void itemIsReadableWhateverTheReadersTimestamp() {
      assertEquals("v", ReadWriteTransitions.read(new CachedItem("v", 1, 50)));
    }

    @Test
    void locksTombstonesAndMissesReadAsNull() {
      assertNull(ReadWriteTransitions.read(null));
      assertNull(ReadWriteTransitions.read(lockedByA(null, 1)));
      assertNull(ReadWriteTransitions.read(ReadWriteTransitions.evict(new CachedItem("v", 1, 50), 60)));
    }
  }

  @Nested
  class Lock {
    @Test
    void lockingNothingCreatesAHeldLock() {
      SoftLockState lock = lockedByA(null, 3);
      assertEquals(SoftLockState.held(A, DEADLINE, 3), lock);
    }

    @Test
    void lockingAnItemKeepsTheHigherOfItsVersionAndOurs() {
      assertEquals(5, lockedByA(new CachedItem("v", 5, 1), 4).version());
      assertEquals(6, lockedByA(new CachedItem("v", 5, 1), 6).version());
    }

    /** R2: the second lockItem sees the first one's lock (invoke makes the read and the write one step). */
    @Test
    void secondLockerJoinsAndMarksConcurrent() {
      SoftLockState first = lockedByA(null, 1);
      SoftLockState both = ReadWriteTransitions.lock(first, B, 2, DEADLINE + 5, NOW, INTS);
      assertEquals(List.of(new Lease(A, DEADLINE), new Lease(B, DEADLINE + 5)), both.leases(),
          "the joiner gets a lease of its own; the first holder's deadline is not prolonged");
      assertEquals(2, both.holders());
      assertTrue(both.concurrent());
      assertEquals(DEADLINE + 5, both.deadline());
      assertEquals(2, both.version(), "highest version seen is kept");
    }

    @Test
    void joiningWithAnOlderVersionKeepsTheHighest() {
      SoftLockState first = lockedByA(null, 7);
      assertEquals(7, ReadWriteTransitions.lock(first, B, 3, DEADLINE, NOW, INTS).version());
    }

    @Test
    void releasedLockIsRetakenAloneWithItsMemory() {
      SoftLockState released = new SoftLockState(List.of(), 10, 4, true, 77);
      SoftLockState retaken = ReadWriteTransitions.lock(released, B, 5, DEADLINE, NOW, INTS);
      assertEquals(SoftLockState.held(List.of(new Lease(B, DEADLINE)), 5, false, 77), retaken);
    }

    @Test
    void expiredHeldLockIsTakenOverAsConcurrentWithUnknownVersion() {
      SoftLockState abandoned = SoftLockState.held(A, NOW - 1, 4);
      SoftLockState taken = ReadWriteTransitions.lock(abandoned, B, 5, DEADLINE, NOW, INTS);
      // its writer may have committed up to its deadline: loads must have begun after it
      assertEquals(SoftLockState.held(List.of(new Lease(B, DEADLINE)), null, true, NOW - 1), taken);
    }

    @Test
    void joiningDropsExpiredLeasesOnly() {
      SoftLockState ab = SoftLockState.held(List.of(new Lease(A, NOW - 1), new Lease(B, NOW + 5)), 4, true, 0);
      SoftLockState abc = ReadWriteTransitions.lock(ab, C, 3, DEADLINE, NOW, INTS);
      assertEquals(List.of(new Lease(B, NOW + 5), new Lease(C, DEADLINE)), abc.leases());
      assertEquals(4, abc.version(), "only a takeover of a lock whose leases all expired forgets the version");
      assertTrue(abc.concurrent());
    }

    @Test
    void aRetriedLockOfOursIsAppliedOnce() {
      SoftLockState a = lockedByA(null, 1);
      assertSame(a, ReadWriteTransitions.lock(a, A, 1, DEADLINE, NOW, INTS));
    }
  }

  @Nested
  class Unlock {
    @Test
    void lastHolderReleasesAndStampsTheUnlock() {
      SoftLockState released = (SoftLockState) ReadWriteTransitions.unlock(lockedByA(null, 1), A, 500);
      assertEquals(0, released.holders());
      assertEquals(500, released.unlockTimestamp());
    }

    /** R4: two unlocks of a lock held twice end at zero holders, whatever their order. */
    @Test
    void twoUnlocksOfADoubleLockReachZero() {
      SoftLockState twice = ReadWriteTransitions.lock(lockedByA(null, 1), B, 1, DEADLINE, NOW, INTS);
      ReadWriteState once = ReadWriteTransitions.unlock(twice, A, 300);
      assertEquals(List.of(new Lease(B, DEADLINE)), ((SoftLockState) once).leases());
      assertEquals(0, ((SoftLockState) once).unlockTimestamp(), "not released yet");
      SoftLockState none = (SoftLockState) ReadWriteTransitions.unlock(once, B, 400);
      assertEquals(0, none.holders());
      assertEquals(400, none.unlockTimestamp());
    }

    @Test
    void unlockingTwiceReleasesOnce() {
      SoftLockState released = new SoftLockState(List.of(), 100, 1, false, 90);
      SoftLockState again = (SoftLockState) ReadWriteTransitions.unlock(released, A, 95);
      assertEquals(0, again.holders());
      assertEquals(95, again.unlockTimestamp());
      assertEquals(100, again.deadline(), "the memory of the earlier release is kept");
    }

    @Test
    void lostLockLeavesAReleasedLockBehind() {
      assertEquals(SoftLockState.released(600), ReadWriteTransitions.unlock(null, A, 600));
      assertEquals(SoftLockState.released(600), ReadWriteTransitions.unlock(new CachedItem("x", 1, 0), A, 600));
    }

    @Test
    void anotherWritersHeldLockIsKeptButMarkedConcurrentWithUnknownVersion() {
      SoftLockState theirs = SoftLockState.held(B, DEADLINE, 9);
      SoftLockState after = (SoftLockState) ReadWriteTransitions.unlock(theirs, A, 600);
      assertEquals(SoftLockState.held(List.of(new Lease(B, DEADLINE)), null, true, 0), after);
    }

    @Test
    void anotherWritersReleasedLockIsRestampedLater() {
      SoftLockState theirs = new SoftLockState(List.of(), 5, 9, false, 700);
      assertEquals(SoftLockState.released(700), ReadWriteTransitions.unlock(theirs, A, 600));
      assertEquals(SoftLockState.released(800), ReadWriteTransitions.unlock(theirs, A, 800));
    }
  }

  @Nested
  class AfterUpdate {
    @Test
    void soleWriterPublishesItsValue() {
      Step step = ReadWriteTransitions.afterUpdate(lockedByA(null, 1), A, "new", 2, 900);
      assertTrue(step.accepted());
      assertEquals(new CachedItem("new", 2, 900), step.next());
    }

    /** R3: a lockItem that got in before our afterUpdate is not overwritten. */
    @Test
    void concurrentWriterOnlyReleases() {
      SoftLockState both = ReadWriteTransitions.lock(lockedByA(null, 1), B, 1, DEADLINE, NOW, INTS);
      Step step = ReadWriteTransitions.afterUpdate(both, A, "new", 2, 900);
      assertFalse(step.accepted());
      SoftLockState still = (SoftLockState) step.next();
      assertEquals(List.of(new Lease(B, DEADLINE)), still.leases());
      assertTrue(still.concurrent());
    }

    @Test
    void lockedConcurrentlyEarlierStillOnlyReleases() {
      SoftLockState both = ReadWriteTransitions.lock(lockedByA(null, 1), B, 1, DEADLINE, NOW, INTS);
      ReadWriteState one = ReadWriteTransitions.unlock(both, B, 800);
      Step step = ReadWriteTransitions.afterUpdate(one, A, "new", 3, 900);
      assertFalse(step.accepted());
      assertEquals(900, ((SoftLockState) step.next()).unlockTimestamp());
    }

    @Test
    void lostLockReleasesInsteadOfPublishing() {
      Step step = ReadWriteTransitions.afterUpdate(new CachedItem("stale", 1, 0), A, "new", 2, 900);
      assertFalse(step.accepted());
      assertEquals(SoftLockState.released(900), step.next());
    }
  }

  /** Per-holder leases: a holder that never releases (a ghost) stops counting at its own deadline. */
  @Nested
  class Leases {
    private SoftLockState join(ReadWriteState old, LockId id, long now) {
      return ReadWriteTransitions.lock(old, id, null, now + 1_000, now, INTS);
    }

    private boolean loads(ReadWriteState state, long txTimestamp, long now) {
      return ReadWriteTransitions.putFromLoad(state, "v", null, txTimestamp, now, false, VersionOrder.NONE)
          .accepted();
    }

    /** A's JVM dies holding the lock; B joins, then releases after A's lease expired: the key is released. */
    @Test
    void aGhostDoesNotOutliveTheLastLiveHolder() {
      SoftLockState a = ReadWriteTransitions.lock(null, A, null, 1_000, 0, INTS);
      SoftLockState ab = join(a, B, 900);
      assertEquals(List.of(new Lease(A, 1_000), new Lease(B, 1_900)), ab.leases(), "A's deadline not prolonged");
      SoftLockState released = (SoftLockState) ReadWriteTransitions.unlock(ab, B, 1_500);
      assertFalse(released.isHeld(), "released at once, not held until 1900");
      assertEquals(1_500, released.unlockTimestamp());
      assertTrue(released.concurrent());
      // the usual released-lock rules: by version, or by time for unversioned data
      assertFalse(loads(released, 1_499, 1_600), "a load that began before B's release is refused");
      assertTrue(loads(released, 1_500, 1_600));
    }

    @Test
    void aGhostDoesNotOutliveTheLastLiveHolderOfVersionedData() {
      SoftLockState a = ReadWriteTransitions.lock(new CachedItem("v1", 1, 0), A, 1, 1_000, 0, INTS);
      SoftLockState ab = ReadWriteTransitions.lock(a, B, 2, 1_900, 900, INTS);
      SoftLockState released = (SoftLockState) ReadWriteTransitions.unlock(ab, B, 1_500);
      assertFalse(released.isHeld());
      assertFalse(ReadWriteTransitions.putFromLoad(released, "v2", 2, 1_499, 1_600, false, INTS).accepted(),
          "the highest version a holder saw is still refused");
      assertTrue(ReadWriteTransitions.putFromLoad(released, "v3", 3, 1_499, 1_600, false, INTS).accepted());
      assertTrue(ReadWriteTransitions.putFromLoad(released, "v2", 2, 1_500, 1_600, false, INTS).accepted(),
          "a load that began after the release read after every holder finished (B may have rolled back)");
    }

    /** Continuous joiners, each releasing: once A's lease expired and every live holder released, it is released. */
    @Test
    void continuousJoinersDoNotKeepAGhostAlive() {
      SoftLockState a = ReadWriteTransitions.lock(null, A, null, 1_000, 0, INTS);
      SoftLockState ac = join(a, C, 900);
      ReadWriteState c = ReadWriteTransitions.lock(ac, B, null, 2_200, 1_200, INTS);
      assertEquals(List.of(new Lease(B, 2_200), new Lease(C, 1_900)), ((SoftLockState) c).leases(),
          "A's expired lease was dropped by the join at 1200");
      ReadWriteState b = ReadWriteTransitions.unlock(c, C, 1_300);
      assertEquals(List.of(new Lease(B, 2_200)), ((SoftLockState) b).leases());
      assertFalse(loads(b, 1_700, 1_700), "B is live");
      SoftLockState bd = join(b, D, 1_800);
      assertEquals(2_800, bd.deadline());
      ReadWriteState d = ReadWriteTransitions.unlock(bd, B, 2_000);
      assertFalse(loads(d, 2_000, 2_000), "D is live");
      SoftLockState none = (SoftLockState) ReadWriteTransitions.unlock(d, D, 2_500);
      assertFalse(none.isHeld());
      assertEquals(2_500, none.unlockTimestamp());
      assertTrue(loads(none, 2_500, 2_600));
      assertFalse(loads(none, 2_499, 2_600));
    }

    @Test
    void aLiveLeaseIsKeptUntilItsOwnDeadline() {
      SoftLockState a = ReadWriteTransitions.lock(null, A, null, 1_000, 0, INTS);
      SoftLockState ab = ReadWriteTransitions.lock(a, B, null, 2_000, 100, INTS);
      SoftLockState bc = ReadWriteTransitions.lock(ab, C, null, 2_500, 1_500, INTS);
      assertEquals(List.of(new Lease(B, 2_000), new Lease(C, 2_500)), bc.leases());
      SoftLockState b = (SoftLockState) ReadWriteTransitions.unlock(bc, C, 1_800);
      assertEquals(List.of(new Lease(B, 2_000)), b.leases(), "B's lease lives until 2000");
      assertFalse(loads(b, 1_900, 2_000));
      assertFalse(loads(b, 1_999, 2_001), "every lease expired, but B may have committed until its deadline");
      assertTrue(loads(b, 2_000, 2_001), "a load that began after the last deadline is not older than B's write");
      SoftLockState late = (SoftLockState) ReadWriteTransitions.unlock(bc, C, 2_100);
      assertFalse(late.isHeld(), "B's lease expired by 2100: C's release was the last live one");
    }

    @Test
    void releasingAfterOurOwnLeaseExpiredMarksTheOthersConcurrent() {
      SoftLockState ab = SoftLockState.held(List.of(new Lease(A, 1_000), new Lease(B, 3_000)), 4, true, 0);
      SoftLockState after = (SoftLockState) ReadWriteTransitions.unlock(ab, A, 1_500);
      assertEquals(SoftLockState.held(List.of(new Lease(B, 3_000)), null, true, 0), after);
    }

    @Test
    void soleHolderStillPublishesAndAConcurrentOneStillDoesNot() {
      SoftLockState a = ReadWriteTransitions.lock(null, A, null, 1_000, 0, INTS);
      assertTrue(ReadWriteTransitions.afterUpdate(a, A, "new", 2, 900).accepted());
      // B joined and died: its lease expired, but the lock was concurrent, so A's value may not be the last one
      SoftLockState ab = ReadWriteTransitions.lock(a, B, 1, 500, 100, INTS);
      Step step = ReadWriteTransitions.afterUpdate(ab, A, "new", 2, 900);
      assertFalse(step.accepted());
      assertFalse(((SoftLockState) step.next()).isHeld());
    }

    @Test
    void soleHolderWhoseLeaseExpiredOnlyReleases() {
      SoftLockState a = ReadWriteTransitions.lock(null, A, null, 1_000, 0, INTS);
      Step step = ReadWriteTransitions.afterUpdate(a, A, "new", 2, 1_001);
      assertFalse(step.accepted());
      assertEquals(SoftLockState.released(1_001), step.next());
    }
  }

  @Nested
  class AfterInsert {
    @Test
    void cachesOnlyIntoNothing() {
      Step fresh = ReadWriteTransitions.afterInsert(null, "v", 0, 10);
      assertTrue(fresh.accepted());
      assertEquals(new CachedItem("v", 0, 10), fresh.next());
      SoftLockState lock = lockedByA(null, 0);
      Step onLock = ReadWriteTransitions.afterInsert(lock, "v", 0, 10);
      assertFalse(onLock.accepted());
      assertSame(lock, onLock.next());
      assertFalse(onLock.changes(lock));
    }
  }

  @Nested
  class PutFromLoad {
    @Test
    void cachesIntoNothingStampedWithTheLoadersStart() {
      Step step = ReadWriteTransitions.putFromLoad(null, "v", 1, 40, NOW, false, INTS);
      assertTrue(step.accepted());
      assertEquals(new CachedItem("v", 1, 40), step.next());
    }

    @Test
    void replacesAnItemOnlyWithANewerVersion() {
      CachedItem item = new CachedItem("v1", 1, 0);
      assertFalse(ReadWriteTransitions.putFromLoad(item, "v1", 1, 40, NOW, false, INTS).accepted());
      assertFalse(ReadWriteTransitions.putFromLoad(item, "v0", 0, 40, NOW, false, INTS).accepted());
      assertTrue(ReadWriteTransitions.putFromLoad(item, "v2", 2, 40, NOW, false, INTS).accepted());
    }

    @Test
    void neverReplacesAnUnversionedItem() {
      CachedItem item = new CachedItem("v", null, 0);
      assertFalse(ReadWriteTransitions.putFromLoad(item, "w", null, 40, NOW, false, VersionOrder.NONE).accepted());
    }

    /** R1: a load read before another node's update cannot overwrite that node's lock. */
    @Test
    void heldLockRefusesEveryLoad() {
      SoftLockState lock = lockedByA(new CachedItem("v1", 1, 0), 1);
      Step step = ReadWriteTransitions.putFromLoad(lock, "v1", 1, 40, NOW, false, INTS);
      assertFalse(step.accepted());
      assertSame(lock, step.next());
      assertFalse(ReadWriteTransitions.putFromLoad(lock, "v9", 9, 40, NOW, false, INTS).accepted());
    }

    /** Path 1 of issue 8: an expired lock no longer protects by time, only as released at its deadline. */
    @Test
    void expiredLockAcceptsOnlyALoadNotOlderThanItsDeadline() {
      SoftLockState lock = lockedByA(null, 1);
      assertFalse(ReadWriteTransitions.putFromLoad(lock, "v", 1, DEADLINE, DEADLINE, false, INTS).accepted(),
          "held until its deadline");
      assertFalse(ReadWriteTransitions.putFromLoad(lock, "v", 1, 40, DEADLINE + 1, false, INTS).accepted(),
          "a load that began before the deadline may predate the presumed-dead writer's commit");
      assertTrue(ReadWriteTransitions.putFromLoad(lock, "v", 1, DEADLINE, DEADLINE + 1, false, INTS).accepted());
      assertTrue(ReadWriteTransitions.putFromLoad(lock, "v2", 2, 40, DEADLINE + 1, false, INTS).accepted(),
          "a version newer than any locker saw was committed after the lock was taken");
    }

    /** Path 1 of issue 8: a tombstone is never forgotten by time, however long the loading transaction ran. */
    @Test
    void releasedLockNeverExpiresByTime() {
      SoftLockState released = SoftLockState.released(500);
      long muchLater = 500 + 10 * DEADLINE;
      assertFalse(ReadWriteTransitions.putFromLoad(released, "v", null, 499, muchLater, false, VersionOrder.NONE)
          .accepted());
      assertFalse(ReadWriteTransitions.putFromLoad(released, "v", 1, 499, muchLater, false, INTS).accepted());
      assertTrue(ReadWriteTransitions.putFromLoad(released, "v", null, 500, muchLater, false, VersionOrder.NONE)
          .accepted());
    }

    @Test
    void releasedVersionedLockNeedsANewerVersion() {
      SoftLockState released = (SoftLockState) ReadWriteTransitions.unlock(lockedByA(null, 3), A, 500);
      assertFalse(ReadWriteTransitions.putFromLoad(released, "v3", 3, 499, NOW, false, INTS).accepted());
      assertTrue(ReadWriteTransitions.putFromLoad(released, "v4", 4, 0, NOW, false, INTS).accepted());
      assertTrue(ReadWriteTransitions.putFromLoad(released, "v3", 3, 500, NOW, false, INTS).accepted(),
          "a load that began after the release sees what the writer left (here: it rolled back)");
    }

    /** A late load of an intermediate version, written by a concurrent writer, cannot pass the check. */
    @Test
    void intermediateVersionOfConcurrentWritersIsRefused() {
      // A locks v1 and commits v2; B read v2, locks with it, and commits v3; both release.
      SoftLockState a = lockedByA(new CachedItem("v1", 1, 0), 1);
      SoftLockState ab = ReadWriteTransitions.lock(a, B, 2, DEADLINE, NOW, INTS);
      ReadWriteState afterA = ReadWriteTransitions.afterUpdate(ab, A, "v2", 2, 600).next();
      ReadWriteState afterB = ReadWriteTransitions.afterUpdate(afterA, B, "v3", 3, 700).next();
      assertInstanceOf(SoftLockState.class, afterB);
      assertFalse(ReadWriteTransitions.putFromLoad(afterB, "v2", 2, 650, NOW, false, INTS).accepted());
      assertTrue(ReadWriteTransitions.putFromLoad(afterB, "v3", 3, 650, NOW, false, INTS).accepted());
    }

    @Test
    void releasedUnversionedLockAcceptsOnlyTransactionsStartedAtOrAfterTheUnlock() {
      SoftLockState released = (SoftLockState) ReadWriteTransitions.unlock(lockedByA(null, null), A, 500);
      assertFalse(ReadWriteTransitions.putFromLoad(released, "v", null, 499, NOW, false, VersionOrder.NONE).accepted());
      assertTrue(ReadWriteTransitions.putFromLoad(released, "v", null, 500, NOW, false, VersionOrder.NONE).accepted());
    }

    @Test
    void minimalPutWithoutVersionLeavesAWritableEntryAlone() {
      SoftLockState released = SoftLockState.released(500);
      assertFalse(ReadWriteTransitions.putFromLoad(released, "v", null, 600, NOW, true, VersionOrder.NONE).accepted());
      assertTrue(ReadWriteTransitions.putFromLoad(null, "v", null, 600, NOW, true, VersionOrder.NONE).accepted());
    }
  }

  @Nested
  class Remove {
    @Test
    void removesItems() {
      Step step = ReadWriteTransitions.remove(new CachedItem("v", 1, 0));
      assertTrue(step.accepted());
      assertNull(step.next());
    }

    /** R5: another node's fresh lock is never deleted. */
    @Test
    void keepsLocks() {
      SoftLockState lock = lockedByA(null, 1);
      Step step = ReadWriteTransitions.remove(lock);
      assertFalse(step.accepted());
      assertSame(lock, step.next());
      assertFalse(ReadWriteTransitions.remove(null).changes(null));
    }
  }

  /** putFromLoad over an entry another mapping wrote (rolling deploy). */
  @Nested
  class ReplaceForeign {
    private final CachedItem foreign = new CachedItem(new MappedValue(7, "v1 state"), 3, 50);

    @Test
    void aLoadAtLeastAsFreshReplacesIt() {
      Step step = ReadWriteTransitions.replaceForeign(foreign, "v2 state", 3, 50, INTS);
      assertTrue(step.accepted());
      assertEquals(new CachedItem("v2 state", 3, 50), step.next());
    }

    @Test
    void aLoadThatBeganBeforeTheItemKeepsIt() {
      assertSame(foreign, ReadWriteTransitions.replaceForeign(foreign, "v2 state", 3, 49, INTS).next());
    }

    @Test
    void anOlderVersionKeepsIt() {
      assertFalse(ReadWriteTransitions.replaceForeign(foreign, "v2 state", 2, 60, INTS).accepted());
    }

    @Test
    void anIncomparableOrUnknownVersionKeepsIt() {
      assertFalse(ReadWriteTransitions.replaceForeign(foreign, "v2 state", 3L, 60, INTS).accepted(),
          "the version type changed between the mappings");
      assertFalse(ReadWriteTransitions.replaceForeign(foreign, "v2 state", null, 60, INTS).accepted());
    }

    @Test
    void anUnversionedItemFollowsTheTimestampAlone() {
      CachedItem unversioned = new CachedItem(new MappedValue(7, "v1 state"), null, 50);
      assertTrue(ReadWriteTransitions.replaceForeign(unversioned, "v2", null, 50, VersionOrder.NONE).accepted());
      assertFalse(ReadWriteTransitions.replaceForeign(unversioned, "v2", null, 49, VersionOrder.NONE).accepted());
    }

    @Test
    void incomparableVersionsAreNeverNewer() {
      assertFalse(INTS.isNewer(1, 2L));
      assertFalse(INTS.isAtMost(1, 2L));
      assertEquals(1, INTS.max(1, 2L));
    }
  }
  /** Explicit per-key eviction (issue 8): one transition to a tombstone, never a delete. */
  @Nested
  class Evict {
    @Test
    void anItemOrNothingBecomesATombstoneAtTheEvictionStamp() {
      assertEquals(SoftLockState.released(700), ReadWriteTransitions.evict(new CachedItem("v", 3, 5), 700));
      assertEquals(SoftLockState.released(700), ReadWriteTransitions.evict(null, 700));
    }

    @Test
    void aHeldLockKeepsItsLiveLeasesButMayNoLongerPublish() {
      SoftLockState held = lockedByA(new CachedItem("v1", 1, 0), 1);
      SoftLockState evicted = ReadWriteTransitions.evict(held, 700);
      assertEquals(held.leases(), evicted.leases());
      assertTrue(evicted.concurrent());
      assertNull(evicted.version(), "the change behind an eviction need not move the version");
      assertFalse(ReadWriteTransitions.afterUpdate(evicted, A, "v2", 2, 800).accepted(), "A only releases");
      assertFalse(ReadWriteTransitions.putFromLoad(evicted, "v1", 1, 9_999, NOW, false, INTS).accepted());
    }

    @Test
    void aReleasedLockForgetsItsVersionAndKeepsTheLaterStamp() {
      SoftLockState released = (SoftLockState) ReadWriteTransitions.unlock(lockedByA(null, 3), A, 500);
      SoftLockState evicted = ReadWriteTransitions.evict(released, 700);
      assertEquals(SoftLockState.released(700), evicted);
      assertFalse(ReadWriteTransitions.putFromLoad(evicted, "v4", 4, 699, NOW, false, INTS).accepted(),
          "a native update behind the eviction may not have moved the version");
      assertTrue(ReadWriteTransitions.putFromLoad(evicted, "v4", 4, 700, NOW, false, INTS).accepted());
      assertEquals(900, ReadWriteTransitions.evict(SoftLockState.released(900), 700).unlockTimestamp());
    }

    @Test
    void aLockWhoseLeasesExpiredIsReleased() {
      SoftLockState held = lockedByA(null, 1);
      assertEquals(SoftLockState.released(DEADLINE + 5), ReadWriteTransitions.evict(held, DEADLINE + 5));
    }
  }

  /** What survives a region eviction (issue 8, path 8): held locks, and states written after the eviction's stamp. */
  @Nested
  class CarriedForward {
    @Test
    void heldLocksAreCarriedAsTheyAre() {
      SoftLockState held = lockedByA(null, 1);
      assertSame(held, Stamped.carriedForward(held, 10_000));
    }

    @Test
    void statesStampedBeforeTheEvictionAreGone() {
      assertNull(Stamped.carriedForward(SoftLockState.released(499), 500));
      assertNull(Stamped.carriedForward(new CachedItem("v", 1, 499), 500));
      assertNull(Stamped.carriedForward("a non-strict entry", 0));
    }

    @Test
    void statesStampedAtOrAfterTheEvictionStayAsTombstones() {
      assertEquals(SoftLockState.released(500), Stamped.carriedForward(SoftLockState.released(500), 500));
      assertEquals(SoftLockState.released(600), Stamped.carriedForward(new CachedItem("v", 1, 600), 500),
          "a value written just after the eviction may predate the change behind it: kept as a tombstone only");
    }

    @Test
    void resolvingAnOlderEpochCarriesForwardIntoTheNewOne() {
      Stamped.View view = Stamped.resolve(new Stamped(400, SoftLockState.released(600)), 500);
      assertEquals(500, view.epoch());
      assertEquals(SoftLockState.released(600), view.state());
    }
  }
}
