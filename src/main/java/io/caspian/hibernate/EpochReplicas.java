package io.caspian.hibernate;

import java.io.Serializable;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.caspian.jcache.ServerAwareCache;

/**
 * Where a region keeps its epoch: one copy on every memcached server, readers taking the highest. A node cut off
 * from one server (its client not yet reconnected after a restart, a partial network failure) can still evict the
 * region on the others, and every reader that reaches any bumped copy sees the eviction; with a single copy, a
 * writer unable to reach the copy's server could not invalidate anything while readers kept caching through it.
 *
 * <p>The copies' keys are found by the client's own node locator (Ketama), so every node sharing the server list
 * derives the same keys.
 */
final class EpochReplicas {
  /** A further copy, numbered so that it lands on a server no earlier copy is on. */
  record EpochCopy(int index) implements Serializable {
  }

  private static final int SEARCH_LIMIT = 100_000;

  private final List<Object> keys;

  private EpochReplicas(List<Object> keys) {
    this.keys = List.copyOf(keys);
  }

  /** One copy per server of {@code cache}'s pool; a single copy when the cache does not tell its servers. */
  static EpochReplicas of(ServerAwareCache<Object, Object> caspian) {
    if (caspian == null) {
      return new EpochReplicas(List.of(RegionStore.EpochKey.EPOCH));
    }
    Set<SocketAddress> servers = new HashSet<>(caspian.servers());
    Set<SocketAddress> covered = new HashSet<>();
    List<Object> keys = new ArrayList<>();
    keys.add(RegionStore.EpochKey.EPOCH);
    covered.add(caspian.serverOf(RegionStore.EpochKey.EPOCH));
    for (int i = 1; i < SEARCH_LIMIT && !covered.containsAll(servers); i++) {
      EpochCopy copy = new EpochCopy(i);
      if (covered.add(caspian.serverOf(copy))) {
        keys.add(copy);
      }
    }
    return new EpochReplicas(keys);
  }

  /** The copies' keys, the first one {@link RegionStore.EpochKey#EPOCH}. */
  List<Object> keys() {
    return keys;
  }

  /** The epoch a read or write must use: the highest copy found, or null when none is (region not started or lost). */
  Long highest(Map<Object, Object> found) {
    Long highest = null;
    for (Object key : keys) {
      if (found.get(key) instanceof Long value && (highest == null || value > highest)) {
        highest = value;
      }
    }
    return highest;
  }
}
