package io.caspian.consistency;

import java.util.List;
import java.util.Map;

/**
 * What one run measured.
 *
 * @param operations operations sent, by kind (and cache mode when not NORMAL)
 * @param outcomes answers by outcome: read, commit, conflict, absent, rolledback, evicted, maybe, error, lost
 * @param reads observations checked (one operation can observe several keys)
 * @param violations reads that saw a state older than an acknowledged commit (control reads included, marked)
 * @param mismatches quiescent entries a node served that differ from the database
 * @param errors a few error answers, for diagnosis
 */
public record RunResult(Knobs knobs, double seconds, Map<String, Long> operations, Map<String, Long> outcomes,
    long reads, long commits, List<Checker.Violation> violations, List<String> mismatches, List<String> errors) {

  /** Violations by reads that may have been served by the cache. */
  public long staleReads() {
    return violations.stream().filter(v -> !v.read().control()).count();
  }

  /** Violations by reads around the cache: should be 0, or the checker (or the database) is wrong. */
  public long controlViolations() {
    return violations.size() - staleReads();
  }

  public boolean clean() {
    return violations.isEmpty() && mismatches.isEmpty();
  }

  public long totalOperations() {
    return operations.values().stream().mapToLong(Long::longValue).sum();
  }
}
