package io.caspian.hibernate.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The update-timestamps protocol: Hibernate serves a query result iff {@code lastUpdate == null || lastUpdate < resultTs}. */
class TableStateTest {
  private static final long NOW = 100;
  private static final long DEADLINE = 1_000;
  private static final LockId W1 = new LockId(new java.util.UUID(0, 1), 1);
  private static final LockId W2 = new LockId(new java.util.UUID(0, 2), 1);
  private static final LockId W3 = new LockId(new java.util.UUID(0, 3), 1);

  private static boolean served(TableState state, long resultTimestamp) {
    Long lastUpdate = state == null ? null : state.lastUpdateSeenBy(NOW);
    return lastUpdate == null || lastUpdate < resultTimestamp;
  }

  @Test
  void untouchedTableServesEverything() {
    assertTrue(served(null, 1));
    assertNull(TableState.EMPTY.lastUpdateSeenBy(NOW));
  }

  @Test
  void inFlightWriterHidesEveryResult() {
    TableState writing = TableState.beginWrite(null, W1, DEADLINE, NOW);
    assertEquals(Long.MAX_VALUE, writing.lastUpdateSeenBy(NOW));
    assertEquals(false, served(writing, Long.MAX_VALUE - 1));
  }

  @Test
  void afterTheLastCommitOnlyResultsBegunBeforeItAreStale() {
    TableState committed = TableState.endWrite(TableState.beginWrite(null, W1, DEADLINE, NOW), W1, 500, NOW);
    assertEquals(false, served(committed, 499), "computed by a transaction begun before the commit");
    assertEquals(true, served(committed, 500), "begun after the commit: cacheable at once");
  }

  /** Every interleaving of two writers' preInvalidate/invalidate keeps the table dark until both are done. */
  @Test
  void twoWritersInAnyOrder() {
    TableState one = TableState.beginWrite(null, W1, DEADLINE, NOW);
    TableState two = TableState.beginWrite(one, W2, DEADLINE, NOW);
    TableState firstDone = TableState.endWrite(two, W2, 500, NOW);
    assertEquals(false, served(firstDone, 10_000), "the second writer is still in flight");
    TableState bothDone = TableState.endWrite(firstDone, W1, 450, NOW);
    assertEquals(500, bothDone.lastCommit(), "the latest commit is kept whatever the arrival order");
    assertEquals(false, served(bothDone, 499));
    assertEquals(true, served(bothDone, 500));
  }

  @Test
  void writersPastTheirDeadlineAreForgottenButCountAsCommittedAtIt() {
    TableState leaked = TableState.beginWrite(null, W1, DEADLINE, NOW);
    assertEquals(0, leaked.liveWriters(DEADLINE + 1));
    // path 5 of issue 8: the dead writer may have committed before dying, so results older than its deadline are stale
    assertEquals(DEADLINE - 1, leaked.lastUpdateSeenBy(DEADLINE + 1));
    TableState next = TableState.beginWrite(leaked, W2, DEADLINE + 50, DEADLINE + 1);
    assertEquals(1, next.liveWriters(DEADLINE + 1));
    assertEquals(1, next.leases().size(), "the dead writer's lease is dropped");
    TableState late = TableState.endWrite(leaked, W1, 700, DEADLINE + 1);
    assertEquals(0, late.liveWriters(DEADLINE + 1));
    assertEquals(DEADLINE, late.lastCommit(), "its own lapsed lease already counted as a commit at its deadline");
    assertEquals(DEADLINE, next.lastCommit(), "a dropped lease is remembered as a commit at its deadline");
  }

  /**
   * A writer that never ends (killed JVM) no longer keeps the table dark while others keep writing: its lease lapses
   * at its own deadline, whatever later writers' deadlines are.
   */
  @Test
  void aDeadWriterStopsCountingAtItsOwnDeadlineDespiteNewWriters() {
    TableState ghost = TableState.beginWrite(null, W1, DEADLINE, NOW);
    TableState joined = TableState.beginWrite(ghost, W2, DEADLINE + 900, 900);
    TableState done = TableState.endWrite(joined, W2, 950, 950);
    assertEquals(1, done.liveWriters(950), "the ghost still counts before its deadline");
    TableState again = TableState.beginWrite(done, W3, DEADLINE + 1_500, 1_500);
    TableState finished = TableState.endWrite(again, W3, 1_600, 1_600);
    assertEquals(0, finished.liveWriters(1_600), "past the ghost's deadline only live writers count");
    assertEquals(1_599, finished.lastUpdateSeenBy(1_600), "results begun after the last commit are served");
  }

  @Test
  void aLiveWriterKeepsCountingUntilItsOwnDeadline() {
    TableState one = TableState.beginWrite(null, W1, DEADLINE, NOW);
    TableState two = TableState.beginWrite(one, W2, 5_000, NOW);
    assertEquals(1, two.liveWriters(DEADLINE + 1), "W1 lapsed, W2 has not");
    assertEquals(Long.MAX_VALUE, two.lastUpdateSeenBy(DEADLINE + 1));
  }

  @Test
  void leaselessWritersOfTheOldShapeCountUntilTheirDeadline() {
    TableState old = new TableState(2, DEADLINE, 300);
    assertEquals(2, old.liveWriters(NOW));
    TableState next = TableState.beginWrite(old, W1, DEADLINE + 10, NOW);
    assertEquals(3, next.liveWriters(NOW));
    assertEquals(1, next.liveWriters(DEADLINE + 1));
  }

  @Test
  void invalidateWithoutRecordedPreInvalidateStillRecordsTheCommit() {
    TableState writing = TableState.beginWrite(null, W1, DEADLINE, NOW);
    TableState other = TableState.commitOnly(writing, 800);
    assertEquals(1, other.liveWriters(NOW));
    assertEquals(800, other.lastCommit());
    assertEquals(800, TableState.commitOnly(other, 700).lastCommit());
  }
  /** Issue 8, path 4: a table whose state memcached lost counts as written at a fresh stamp. */
  @Test
  void aLostStateCountsAsJustWritten() {
    TableState recreated = TableState.writtenAt(5_000);
    assertEquals(4_999L, recreated.lastUpdateSeenBy(5_000), "every result computed before 5000 is stale");
    assertEquals(0, recreated.liveWriters(5_000));
  }
}
