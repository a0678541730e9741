package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ReadWriteTransitionsTest {
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final VersionOrder INTS = VersionOrder.of((Comparator) Comparator.naturalOrder());
  private static final LockId A = new LockId(new UUID(0, 1), 1);
  private static final LockId B = new LockId(new UUID(0, 2), 1);
  private static final long DEADLINE = 1_000;
  private static final long NOW = 100;

  private static SoftLockState lockedByA(ReadWriteState old, Object version) {
    return ReadWriteTransitions.lock(old, A, version, DEADLINE, NOW, INTS);
  }

  @Nested
  class Read {
    @Test
    void itemIsReadableByTransactionsStartedAtOrAfterIt() {
      CachedItem item = new CachedItem("v", 1, 50);
      assertNull(ReadWriteTransitions.read(item, 49));
      assertEquals("v", ReadWriteTransitions.read(item, 50));
      assertEquals("v", ReadWriteTransitions.read(item, 51));
    }

    @Test
    void locksAndMissesReadAsNull() {
      assertNull(ReadWriteTransitions.read(null, 10));
      assertNull(ReadWriteTransitions.read(lockedByA(null, 1), 10_000));
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
      assertEquals(A, both.id(), "joiner gets the existing lock's handle");
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
      SoftLockState released = new SoftLockState(A, 10, 4, 0, true, 77);
      SoftLockState retaken = ReadWriteTransitions.lock(released, B, 5, DEADLINE, NOW, INTS);
      assertEquals(new SoftLockState(B, DEADLINE, 5, 1, false, 77), retaken);
    }

    @Test
    void expiredHeldLockIsTakenOverAsConcurrentWithUnknownVersion() {
      SoftLockState abandoned = new SoftLockState(A, NOW - 1, 4, 1, false, 0);
      SoftLockState taken = ReadWriteTransitions.lock(abandoned, B, 5, DEADLINE, NOW, INTS);
      assertEquals(new SoftLockState(B, DEADLINE, null, 1, true, 0), taken);
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
      assertEquals(1, ((SoftLockState) once).holders());
      assertEquals(0, ((SoftLockState) once).unlockTimestamp(), "not released yet");
      SoftLockState none = (SoftLockState) ReadWriteTransitions.unlock(once, A, 400);
      assertEquals(0, none.holders());
      assertEquals(400, none.unlockTimestamp());
    }

    @Test
    void unlockNeverGoesBelowZero() {
      SoftLockState released = new SoftLockState(A, 10, 1, 0, false, 90);
      SoftLockState again = (SoftLockState) ReadWriteTransitions.unlock(released, A, 95);
      assertEquals(0, again.holders());
      assertEquals(95, again.unlockTimestamp());
    }

    @Test
    void lostLockLeavesAReleasedLockBehind() {
      assertEquals(SoftLockState.released(A, 600), ReadWriteTransitions.unlock(null, A, 600));
      assertEquals(SoftLockState.released(A, 600), ReadWriteTransitions.unlock(new CachedItem("x", 1, 0), A, 600));
    }

    @Test
    void anotherWritersHeldLockIsKeptButMarkedConcurrentWithUnknownVersion() {
      SoftLockState theirs = SoftLockState.held(B, DEADLINE, 9);
      SoftLockState after = (SoftLockState) ReadWriteTransitions.unlock(theirs, A, 600);
      assertEquals(new SoftLockState(B, DEADLINE, null, 1, true, 0), after);
    }

    @Test
    void anotherWritersReleasedLockIsRestampedLater() {
      SoftLockState theirs = new SoftLockState(B, 5, 9, 0, false, 700);
      assertEquals(SoftLockState.released(B, 700), ReadWriteTransitions.unlock(theirs, A, 600));
      assertEquals(SoftLockState.released(B, 800), ReadWriteTransitions.unlock(theirs, A, 800));
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
      assertEquals(1, still.holders());
      assertTrue(still.concurrent());
    }

    @Test
    void lockedConcurrentlyEarlierStillOnlyReleases() {
      SoftLockState both = ReadWriteTransitions.lock(lockedByA(null, 1), B, 1, DEADLINE, NOW, INTS);
      ReadWriteState one = ReadWriteTransitions.unlock(both, A, 800);
      Step step = ReadWriteTransitions.afterUpdate(one, A, "new", 3, 900);
      assertFalse(step.accepted());
      assertEquals(900, ((SoftLockState) step.next()).unlockTimestamp());
    }

    @Test
    void lostLockReleasesInsteadOfPublishing() {
      Step step = ReadWriteTransitions.afterUpdate(new CachedItem("stale", 1, 0), A, "new", 2, 900);
      assertFalse(step.accepted());
      assertEquals(SoftLockState.released(A, 900), step.next());
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

    @Test
    void expiredLockAcceptsALoad() {
      SoftLockState lock = lockedByA(null, 1);
      assertTrue(ReadWriteTransitions.putFromLoad(lock, "v", 1, 40, DEADLINE + 1, false, INTS).accepted());
      assertFalse(ReadWriteTransitions.putFromLoad(lock, "v", 1, 40, DEADLINE, false, INTS).accepted());
    }

    @Test
    void releasedVersionedLockNeedsANewerVersion() {
      SoftLockState released = (SoftLockState) ReadWriteTransitions.unlock(lockedByA(null, 3), A, 500);
      assertFalse(ReadWriteTransitions.putFromLoad(released, "v3", 3, 9_999, NOW, false, INTS).accepted());
      assertTrue(ReadWriteTransitions.putFromLoad(released, "v4", 4, 0, NOW, false, INTS).accepted());
    }

    /** A late load of an intermediate version, written by a concurrent writer, cannot pass the check. */
    @Test
    void intermediateVersionOfConcurrentWritersIsRefused() {
      // A locks v1 and commits v2; B read v2, locks with it, and commits v3; both release.
      SoftLockState a = lockedByA(new CachedItem("v1", 1, 0), 1);
      SoftLockState ab = ReadWriteTransitions.lock(a, B, 2, DEADLINE, NOW, INTS);
      ReadWriteState afterA = ReadWriteTransitions.afterUpdate(ab, A, "v2", 2, 600).next();
      ReadWriteState afterB = ReadWriteTransitions.afterUpdate(afterA, A, "v3", 3, 700).next();
      assertInstanceOf(SoftLockState.class, afterB);
      assertFalse(ReadWriteTransitions.putFromLoad(afterB, "v2", 2, 9_999, NOW, false, INTS).accepted());
      assertTrue(ReadWriteTransitions.putFromLoad(afterB, "v3", 3, 9_999, NOW, false, INTS).accepted());
    }

    @Test
    void releasedUnversionedLockAcceptsOnlyTransactionsStartedAtOrAfterTheUnlock() {
      SoftLockState released = (SoftLockState) ReadWriteTransitions.unlock(lockedByA(null, null), A, 500);
      assertFalse(ReadWriteTransitions.putFromLoad(released, "v", null, 499, NOW, false, VersionOrder.NONE).accepted());
      assertTrue(ReadWriteTransitions.putFromLoad(released, "v", null, 500, NOW, false, VersionOrder.NONE).accepted());
    }

    @Test
    void minimalPutWithoutVersionLeavesAWritableEntryAlone() {
      SoftLockState released = SoftLockState.released(A, 500);
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
}
