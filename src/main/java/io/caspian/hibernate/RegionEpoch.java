package io.caspian.hibernate;

import io.caspian.jcache.ServerAwareCache;
import java.io.Serializable;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;

/**
 * A region's eviction epoch, kept in one copy per memcached server inside the region's own cache; readers take the
 * highest copy that answers. A node cut off from one server (its client not yet reconnected after a restart, a
 * partial network failure) can still evict the region on the others, and every reader that reaches any bumped copy
 * sees the eviction. With a single copy, a writer unable to reach that copy's server could neither lock its rows
 * there nor evict, while readers kept caching through it (issue 8, path 12).
 *
 * <p>The copies' keys are found with the client's own node locator (Ketama), so every node sharing the server list
 * derives the same keys; the first is {@link RegionStore.EpochKey#EPOCH}, the key of the single copy before.
 */
final class RegionEpoch {
  /** A further copy, numbered so that it lands on a server no earlier copy is on. */
  record EpochCopy(int index) implements Serializable {
  }

  /** A region read: the epoch in force and the value stored under the key read with it (null when none). */
  record Read(long epoch, Object value) {
  }

  private static final int SEARCH_LIMIT = 100_000;
  /**
   * How recent a clock value must be for an entry read to go without fetching the clock: under load this JVM's
   * transactions then lag the clock by at most this much (a safe lag, see {@link ClusterClock#current()}), and the
   * clock key is read at most this often per JVM instead of once per entry read.
   */
  private static final long CLOCK_FRESH_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(5);

  private final String region;
  private final Cache<Object, Object> cache;
  private final ClusterClock clock;
  /** The cache's view of its servers (null: not Caspian's own; then there is one copy and reads are all or nothing). */
  private final ServerAwareCache<Object, Object> servers;
  private final List<Object> copies;
  /** Copies an eviction could not bump (their server was unreachable), and the value they are owed. */
  private final Set<Object> owedCopies = ConcurrentHashMap.newKeySet();
  private volatile long owedEpoch = Long.MIN_VALUE;
  /** Whether the clock's cache can be read in the same multi-get (a Caspian cache of the same manager). */
  private volatile boolean clockAlongside = true;

  RegionEpoch(String region, Cache<Object, Object> cache, ClusterClock clock) {
    this.region = region;
    this.cache = cache;
    this.clock = clock;
    this.servers = serverAware(cache);
    this.copies = servers == null ? List.of(RegionStore.EpochKey.EPOCH) : oneCopyPerServer(servers);
  }

  private static List<Object> oneCopyPerServer(ServerAwareCache<Object, Object> servers) {
    Set<SocketAddress> all = new HashSet<>(servers.servers());
    Set<SocketAddress> covered = new HashSet<>();
    List<Object> keys = new ArrayList<>();
    keys.add(RegionStore.EpochKey.EPOCH);
    covered.add(servers.serverOf(RegionStore.EpochKey.EPOCH));
    for (int i = 1; i < SEARCH_LIMIT && !covered.containsAll(all); i++) {
      EpochCopy copy = new EpochCopy(i);
      if (covered.add(servers.serverOf(copy))) {
        keys.add(copy);
      }
    }
    return List.copyOf(keys);
  }

  /** The cache as a Caspian {@link ServerAwareCache}, or null when it is not one (a decorated or foreign cache). */
  @SuppressWarnings("unchecked")
  static ServerAwareCache<Object, Object> serverAware(Cache<Object, Object> cache) {
    try {
      return cache.unwrap(ServerAwareCache.class);
    } catch (IllegalArgumentException | UnsupportedOperationException notCaspian) {
      return null;
    }
  }

  /**
   * Runs the entry processor {@code withEpoch} builds from the epoch in force, atomically on {@code key}: the copies
   * are read in the same round trip as the entry's {@code gets} when the cache is Caspian's own, else just before.
   *
   * @throws CacheException when the entry's server cannot be reached or no copy can be read or created
   */
  Object invoke(Object key, java.util.function.LongFunction<EntryProcessor<Object, Object, Object>> withEpoch) {
    if (servers == null) {
      return cache.invoke(key, withEpoch.apply(current()));
    }
    Set<Object> unreachable = new HashSet<>();
    return servers.invokeAlongside(key, new HashSet<>(copies), unreachable,
        found -> withEpoch.apply(currentFrom(found, unreachable)));
  }

  /**
   * Reads {@code key} with every copy in one multi-get (servers asked in parallel).
   *
   * @return null when no copy answered or exists (nothing of the region is live) or the key's server did not answer
   * @throws CacheException when the cache cannot tell which servers answered and the read failed
   */
  Read readWith(Object key) {
    Set<Object> keys = new HashSet<>(copies);
    keys.add(key);
    Set<Object> unreachable = new HashSet<>();
    Map<Object, Object> found = readReachableWithClock(keys, unreachable);
    Long highest = highest(found);
    if (highest == null || unreachable.contains(key)) {
      return null;
    }
    return new Read(highest, found.get(key));
  }

  /**
   * The epoch a write must stamp: the highest copy. A region without any copy (new, or every copy lost, which empties
   * it) gets one from the cluster clock; copies missing beside others (their server restarted) are restored to the
   * highest.
   *
   * @throws CacheException when no copy can be read or created
   */
  long current() {
    Set<Object> unreachable = new HashSet<>();
    return currentFrom(readReachable(new HashSet<>(copies), unreachable), unreachable);
  }

  /**
   * {@link #current()} from the copies a caller already read ({@code found}; those whose server did not answer in
   * {@code unreachable}): no further round trip unless a copy must be created.
   */
  private long currentFrom(Map<Object, Object> found, Set<Object> unreachable) {
    Long highest = highest(found);
    if (highest != null && found.size() + unreachable.size() >= copies.size()) {
      return highest; // every copy that answered is there
    }
    if (highest == null && unreachable.size() == copies.size()) {
      throw new CacheException("no copy of the epoch of region " + region + " could be read");
    }
    long value = highest != null ? highest : clock.advance();
    long current = Long.MIN_VALUE;
    for (Object copy : copies) {
      if (found.get(copy) instanceof Long stored) {
        current = Math.max(current, stored);
      } else if (!unreachable.contains(copy)) {
        try {
          current = Math.max(current, (Long) cache.invoke(copy, new InitEpoch(value)));
        } catch (CacheException away) {
          // another copy will do; this one is created when its server answers
        }
      }
    }
    if (current == Long.MIN_VALUE) {
      throw new CacheException("no copy of the epoch of region " + region + " could be read or created");
    }
    return current;
  }

  /**
   * Evicts the region: bumps every copy it reaches past a fresh clock stamp (or, when the clock's server is out of
   * reach, past {@link ClusterClock#stampOrBound()}, so a node cut off from it can still evict). One bumped copy
   * suffices for readers, who take the highest; the others are owed, see {@link #settleOwedCopies()}.
   *
   * @return false when no copy could be bumped
   */
  boolean bump() {
    long stamp = clock.stampOrBound();
    long highest = Long.MIN_VALUE;
    for (Object copy : copies) {
      try {
        highest = Math.max(highest, (Long) cache.invoke(copy, new BumpEpoch(stamp)));
        owedCopies.remove(copy);
      } catch (CacheException | ClassCastException e) {
        owedCopies.add(copy);
      }
    }
    if (highest == Long.MIN_VALUE) {
      return false;
    }
    owedEpoch = Math.max(owedEpoch, highest);
    return true;
  }

  /**
   * Brings the copies an eviction could not reach up to the epoch it set, so that losing the bumped copies later (their
   * server restarting) cannot bring back entries that eviction removed.
   */
  void settleOwedCopies() {
    long value = owedEpoch;
    for (Object copy : owedCopies) {
      try {
        cache.invoke(copy, new BumpEpoch(value));
        owedCopies.remove(copy);
      } catch (CacheException | ClassCastException e) {
        // still unreachable: next time
      }
    }
  }

  boolean owesCopies() {
    return !owedCopies.isEmpty();
  }

  /** One round trip; servers that do not answer only hide their own keys when the cache can tell which those are. */
  /**
   * An entry read also fetches the cluster clock in the same round trip when this JVM has not seen it for
   * {@link #CLOCK_FRESH_NANOS}, which keeps its view of the clock fresh, so transactions take their caching timestamp
   * from it instead of reading the clock (see {@link ClusterClock#observeRead}).
   */
  private Map<Object, Object> readReachableWithClock(Set<Object> keys, Set<Object> unreachable) {
    if (servers == null || !clockAlongside || clock.seenWithin(CLOCK_FRESH_NANOS)) {
      return readReachable(keys, unreachable);
    }
    try {
      return servers.getAllReachable(keys, unreachable, clock.cache(), ClusterClock.KEY, clock::observeRead);
    } catch (IllegalArgumentException | ClassCastException notTheSameManager) {
      clockAlongside = false;
      return readReachable(keys, unreachable);
    }
  }

  private Map<Object, Object> readReachable(Set<Object> keys, Set<Object> unreachable) {
    return servers == null ? cache.getAll(keys) : servers.getAllReachable(keys, unreachable);
  }

  private Long highest(Map<Object, Object> found) {
    Long highest = null;
    for (Object copy : copies) {
      if (found.get(copy) instanceof Long value && (highest == null || value > highest)) {
        highest = value;
      }
    }
    return highest;
  }

  private record InitEpoch(long value) implements EntryProcessor<Object, Object, Object>, Serializable {
    @Override
    public Object process(MutableEntry<Object, Object> entry, Object... arguments) {
      if (entry.exists() && entry.getValue() instanceof Long current) {
        return current;
      }
      entry.setValue(value);
      return value;
    }
  }

  private record BumpEpoch(long atLeast) implements EntryProcessor<Object, Object, Object>, Serializable {
    @Override
    public Object process(MutableEntry<Object, Object> entry, Object... arguments) {
      long current = entry.exists() && entry.getValue() instanceof Long value ? value : Long.MIN_VALUE;
      long next = Math.max(current + 1, atLeast);
      entry.setValue(next);
      return next;
    }
  }
}
