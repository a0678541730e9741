package io.caspian.hibernate.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.hibernate.protocol.SoftLockState.Lease;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@link EndedNodes} on its own, and what the transitions make of a state it was applied to. */
class EndedNodesTest {
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final VersionOrder INTS = VersionOrder.of((Comparator) Comparator.naturalOrder());
  private static final UUID DEAD = new UUID(0, 1);
  private static final UUID ALIVE = new UUID(0, 2);
  private static final LockId OF_DEAD = new LockId(DEAD, 7);
  private static final LockId OF_ALIVE = new LockId(ALIVE, 9);
  private static final long DEADLINE = 60_000;
  /** The dead node promised to live until 500. */
  private static final EndedNodes ENDED = new EndedNodes(Map.of(DEAD, 500L));

  @Test
  void aLeaseOfAnEndedNodeIsCutAtItsEndAndNoOtherLeaseMoves() {
    SoftLockState lock = SoftLockState.held(List.of(new Lease(OF_DEAD, DEADLINE), new Lease(OF_ALIVE, DEADLINE)),
        3, true, 0L);
    SoftLockState cut = (SoftLockState) ENDED.applyTo(lock);
    assertEquals(List.of(new Lease(OF_DEAD, 500L), new Lease(OF_ALIVE, DEADLINE)), cut.leases());
    assertEquals(DEADLINE, cut.deadline(), "the live lease still holds the lock");
    assertEquals(3, cut.version());
    // an end after the lease's own deadline changes nothing: a lease never counts longer
    SoftLockState early = SoftLockState.held(OF_DEAD, 300L, 3);
    assertSame(early, ENDED.applyTo(early));
    assertSame(lock, EndedNodes.NONE.applyTo(lock));
    CachedItem item = new CachedItem("v", 1, 10L);
    assertSame(item, ENDED.applyTo(item));
  }

  @Test
  void aLoadPassesALockOfAnEndedNodeOnlyIfItsTransactionBeganAfterTheEnd() {
    SoftLockState lock = SoftLockState.held(OF_DEAD, DEADLINE, 3);
    long now = 600;
    assertFalse(ReadWriteTransitions.putFromLoad(lock, "v", 3, 550L, now, false, INTS).accepted(),
        "without liveness the lease counts until its own deadline");
    ReadWriteState cut = ENDED.applyTo(lock);
    assertTrue(ReadWriteTransitions.putFromLoad(cut, "v", 3, 550L, now, false, INTS).accepted(),
        "began after the node's end: it read what the dead node left");
    assertFalse(ReadWriteTransitions.putFromLoad(cut, "v", 3, 450L, now, false, INTS).accepted(),
        "began before it: the dead node may have committed after that read");
    assertFalse(ReadWriteTransitions.putFromLoad(cut, "v", 3, 550L, 480L, false, INTS).accepted(),
        "not before the end has passed");
  }

  @Test
  void aLockOverAnEndedNodesLeaseTakesItOverAsConcurrent() {
    SoftLockState lock = SoftLockState.held(OF_DEAD, DEADLINE, 3);
    SoftLockState taken = ReadWriteTransitions.lock(ENDED.applyTo(lock), OF_ALIVE, 4, DEADLINE + 10, 600L, INTS);
    assertEquals(List.of(new Lease(OF_ALIVE, DEADLINE + 10)), taken.leases());
    assertTrue(taken.concurrent(), "the dead writer's outcome is unknown: ours must not publish");
    assertEquals(500L, taken.unlockTimestamp(), "a load must have begun after the node's end");
  }

  @Test
  void aTableLeaseOfAnEndedNodeCountsAsACommitAtItsEnd() {
    TableState table = TableState.beginWrite(TableState.writtenAt(100L), OF_DEAD, DEADLINE, 200L);
    assertEquals(Long.MAX_VALUE, table.lastUpdateSeenBy(600L), "a live writer: every result stale");
    TableState cut = ENDED.applyTo(table);
    assertEquals(499L, cut.lastUpdateSeenBy(600L), "results of transactions begun after the end are fresh");
    assertSame(table, EndedNodes.NONE.applyTo(table));
  }

  @Test
  void aHandOverReplacesTheWritersOldLeaseByItsNewOne() {
    LockId renewed = new LockId(new UUID(0, 3), 1);
    TableState table = TableState.beginWrite(TableState.writtenAt(100L), OF_DEAD, DEADLINE, 200L);
    table = TableState.beginWrite(table, OF_ALIVE, DEADLINE, 200L);
    TableState handed = TableState.handOver(table, OF_DEAD, renewed, DEADLINE + 5, 600L);
    assertEquals(List.of(new Lease(OF_ALIVE, DEADLINE), new Lease(renewed, DEADLINE + 5)), handed.leases());
    TableState ended = TableState.endWrite(handed, renewed, 700L, 650L);
    assertEquals(List.of(new Lease(OF_ALIVE, DEADLINE)), ended.leases(), "its end ends the new lease");
    assertEquals(700L, ended.lastCommit());
  }

  @Test
  void theLiveNodesOfAStateAreThoseOfItsUnexpiredLeases() {
    SoftLockState lock = SoftLockState.held(List.of(new Lease(OF_DEAD, 50L), new Lease(OF_ALIVE, DEADLINE)),
        null, true, 0L);
    assertEquals(List.of(ALIVE), EndedNodes.liveNodesOf(lock, 100L));
    assertEquals(List.of(), EndedNodes.liveNodesOf(SoftLockState.released(5L), 100L));
    assertEquals(List.of(), EndedNodes.liveNodesOf(null, 100L));
    assertInstanceOf(EndedNodes.class, ENDED.plus(Map.of(DEAD, 400L)));
    assertEquals(400L, ENDED.plus(Map.of(DEAD, 400L)).endedAt().get(DEAD), "the earlier end wins");
  }
}
