package io.caspian.consistency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker's rule on hand-made histories: it finds what is stale, and only that. Times are in ms. */
class CheckerTest {
  private final History history = new History();

  @Test
  void aReadOlderThanACommitThatReturnedBeforeItWasSentIsStale() {
    commit("P1", 0, "0", 0, 0);
    commit("P1", 5, "5", 10, 20);
    read("P1", "0", 30, 35, false);
    List<Checker.Violation> found = Checker.check(history);
    assertEquals(1, found.size());
    assertEquals("find: stale state", found.get(0).kind());
    assertEquals(5, found.get(0).newer().seq());
    assertEquals(10.0, found.get(0).msSinceCommit(), 1e-9);
  }

  @Test
  void aReadOverlappingTheCommitMaySeeEitherState() {
    commit("P1", 0, "0", 0, 0);
    commit("P1", 5, "5", 10, 20);
    read("P1", "0", 19, 40, false);
    read("P1", "5", 12, 15, false);
    assertTrue(Checker.check(history).isEmpty());
  }

  @Test
  void aNewerStateOrOneCommittedConcurrentlyIsFine() {
    commit("P1", 0, "0", 0, 0);
    commit("P1", 5, "5", 10, 20);
    commit("P1", 7, "7", 25, 50);
    read("P1", "7", 30, 35, false);
    assertTrue(Checker.check(history).isEmpty());
  }

  @Test
  void aDeletedRowReadAsPresentAndAStateNeverCommittedAreStale() {
    commit("P1", 0, "0", 0, 0);
    commit("P1", 5, "-", 10, 20);
    read("P1", "0", 30, 35, false);
    commit("P2", 0, "0", 0, 0);
    read("P2", "3", 30, 35, false);
    List<String> kinds = Checker.check(history).stream().map(Checker.Violation::kind).sorted().toList();
    assertEquals(List.of("find: deleted row read as present", "find: stale state"), kinds);
  }

  @Test
  void aCollectionIsComparedWithTheSetCommittedWithItsOwnersSeq() {
    commit("P1.c", 0, "{1,2}", 0, 0);
    commit("C1", 0, "0", 0, 0);
    commit("C1", 5, "-", 10, 20);
    commit("P1.c", 5, "{2}", 10, 20);
    read("P1.c", "{1,2}", 30, 35, false);
    read("P1.c", History.GONE + "C1", 30, 35, false);
    read("P1.c", "{2}", 30, 35, false);
    List<String> kinds = Checker.check(history).stream().map(Checker.Violation::kind).toList();
    assertEquals(List.of("find: collection holds a deleted child", "find: collection holds a deleted child"), kinds);
  }

  @Test
  void controlReadsAreCheckedAndToldApart() {
    commit("P1", 0, "0", 0, 0);
    commit("P1", 5, "5", 10, 20);
    read("P1", "0", 30, 35, true);
    Checker.Violation v = Checker.check(history).get(0);
    assertEquals("control find: stale state", v.kind());
    assertTrue(v.read().control());
  }

  @Test
  void aWriteWithALostAnswerExcusesItsKeyUntilALaterCommitSettlesIt() {
    commit("P1", 0, "0", 0, 0);
    commit("P1", 5, "5", 10, 20);
    history.commit(new History.Commit("P1", Long.MAX_VALUE, History.ANY, ms(30), ms(40), false, "update"));
    read("P1", "6", 50, 55, false);
    commit("P1", 9, "9", 60, 70);
    read("P1", "6", 80, 85, false);
    assertEquals(1, Checker.check(history).size());
  }

  private void commit(String key, long seq, String value, long start, long end) {
    history.commit(new History.Commit(key, seq, value, ms(start), ms(end), true, "update"));
  }

  private void read(String key, String value, long start, long end, boolean control) {
    history.read(new History.Read(key, value, ms(start), ms(end), "find", control, 0));
  }

  private static long ms(long millis) {
    return millis * 1_000_000L;
  }
}
