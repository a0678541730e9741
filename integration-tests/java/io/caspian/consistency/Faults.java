package io.caspian.consistency;

import java.io.PrintStream;

/** The mid-run faults a run can ask for ({@link Knobs#fault()}). */
final class Faults {
  private Faults() {
  }

  static void inject(String fault, ConsistencyCluster cluster, PrintStream progress) throws Exception {
    switch (fault) {
      case "none" -> {
      }
      case "memcached-kill" -> {
        // kill -9 and back empty: every item on that server, locks and tombstones included, is lost
        cluster.memcached(0).kill();
        progress.println("  fault: memcached 0 killed");
        Thread.sleep(1500);
        cluster.memcached(0).restart();
        progress.println("  fault: memcached 0 back, empty");
      }
      case "memcached-pause" -> {
        cluster.memcached(1).pause();
        progress.println("  fault: memcached 1 paused (SIGSTOP)");
        Thread.sleep(1500);
        cluster.memcached(1).resume();
        progress.println("  fault: memcached 1 resumed");
      }
      case "node-kill" -> {
        int last = cluster.size() - 1;
        cluster.killNode(last);
        progress.println("  fault: node " + last + " killed (-9)");
        Thread.sleep(1000);
        cluster.restartNode(last);
        progress.println("  fault: node " + last + " restarted");
      }
      case "node-pause" -> {
        // longer than the node timeout, shorter than the lock timeout: the others judge it ended by its heartbeat
        // and cache over its locks; once resumed it must lock its keys again before its transactions commit
        // twice: a pause meets a transaction holding locks only now and then
        int last = cluster.size() - 1;
        for (int i = 0; i < 2; i++) {
          cluster.pauseNode(last);
          progress.println("  fault: node " + last + " paused (SIGSTOP)");
          Thread.sleep(ConsistencyCluster.NODE_TIMEOUT_SECONDS * 2000L);
          cluster.resumeNode(last);
          progress.println("  fault: node " + last + " resumed");
          Thread.sleep(1500);
        }
      }
      default -> throw new IllegalArgumentException("unknown fault " + fault
          + " (none, memcached-kill, memcached-pause, node-kill, node-pause)");
    }
  }
}
