package io.caspian.consistency;

import java.util.ArrayList;
import java.util.List;

/**
 * What the driver saw: every committed state with the interval of the call that committed it, and every observed
 * state with the interval of the call that read it, both measured in the driver's JVM. Thread-safe.
 *
 * <p>Keys name one piece of state: {@code P5} (a parent's seq, or {@code -} once deleted), {@code P5.c} and
 * {@code P5.t} (its children's and tags' ids, committed together with the parent's seq), {@code C7} (a child's seq),
 * {@code T2} (a tag's seq). Within a key, a larger seq is a later commit.
 */
public final class History {
  /**
   * A value of a key some write ({@code kind}: the operation) left in the database, or may have left:
   * {@code acknowledged} false.
   */
  public record Commit(String key, long seq, String value, long startNanos, long endNanos, boolean acknowledged,
      String kind) {
  }

  /**
   * A value of a key a read observed. {@code control}: read around the cache (CacheMode.IGNORE, refresh), whose
   * staleness would be the checker's or the database's fault, not the cache's.
   */
  public record Read(String key, String value, long startNanos, long endNanos, String kind, boolean control,
      int node) {
  }

  /** The value of a write whose outcome is unknown (its answer lost): any value may have been committed. */
  public static final String ANY = "*";

  /** The prefix of a collection read whose element {@code C<id>} could not be loaded: the entry names a gone row. */
  public static final String GONE = "!gone:";

  private final List<Commit> commits = new ArrayList<>();
  private final List<Read> reads = new ArrayList<>();

  public synchronized void commit(Commit commit) {
    commits.add(commit);
  }

  public synchronized void read(Read read) {
    reads.add(read);
  }

  public synchronized List<Commit> commits() {
    return List.copyOf(commits);
  }

  public synchronized List<Read> reads() {
    return List.copyOf(reads);
  }

  /** A key's value: a seq, {@code -} (absent), or a set of ids in braces, ascending. */
  public static String set(java.util.Collection<Long> ids) {
    return ids.stream().sorted().map(String::valueOf).collect(java.util.stream.Collectors.joining(",", "{", "}"));
  }
}
