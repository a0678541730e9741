package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The update-timestamps protocol: Hibernate serves a query result iff {@code lastUpdate == null || lastUpdate < resultTs}. */
class TableStateTest {
  private static final long NOW = 100;
  private static final long DEADLINE = 1_000;

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
    TableState writing = TableState.beginWrite(null, DEADLINE, NOW);
    assertEquals(Long.MAX_VALUE, writing.lastUpdateSeenBy(NOW));
    assertEquals(false, served(writing, Long.MAX_VALUE - 1));
  }

  @Test
  void afterTheLastCommitOnlyResultsBegunBeforeItAreStale() {
    TableState committed = TableState.endWrite(TableState.beginWrite(null, DEADLINE, NOW), 500, NOW);
    assertEquals(false, served(committed, 499), "computed by a transaction begun before the commit");
    assertEquals(true, served(committed, 500), "begun after the commit: cacheable at once");
  }

  /** Every interleaving of two writers' preInvalidate/invalidate keeps the table dark until both are done. */
  @Test
  void twoWritersInAnyOrder() {
    TableState one = TableState.beginWrite(null, DEADLINE, NOW);
    TableState two = TableState.beginWrite(one, DEADLINE, NOW);
    TableState firstDone = TableState.endWrite(two, 500, NOW);
    assertEquals(false, served(firstDone, 10_000), "the second writer is still in flight");
    TableState bothDone = TableState.endWrite(firstDone, 450, NOW);
    assertEquals(500, bothDone.lastCommit(), "the latest commit is kept whatever the arrival order");
    assertEquals(false, served(bothDone, 499));
    assertEquals(true, served(bothDone, 500));
  }

  @Test
  void writersPastTheirDeadlineAreForgotten() {
    TableState leaked = TableState.beginWrite(null, DEADLINE, NOW);
    assertEquals(0, leaked.liveWriters(DEADLINE + 1));
    assertNull(leaked.lastUpdateSeenBy(DEADLINE + 1));
    TableState next = TableState.beginWrite(leaked, DEADLINE + 50, DEADLINE + 1);
    assertEquals(1, next.writers());
    assertEquals(DEADLINE + 50, next.writersDeadline());
    TableState late = TableState.endWrite(leaked, 700, DEADLINE + 1);
    assertEquals(0, late.writers());
  }

  @Test
  void invalidateWithoutRecordedPreInvalidateStillRecordsTheCommit() {
    TableState writing = TableState.beginWrite(null, DEADLINE, NOW);
    TableState other = TableState.commitOnly(writing, 800);
    assertEquals(1, other.writers());
    assertEquals(800, other.lastCommit());
    assertEquals(800, TableState.commitOnly(other, 700).lastCommit());
  }
}
