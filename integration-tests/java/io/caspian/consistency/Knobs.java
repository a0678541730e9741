package io.caspian.consistency;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One run's settings. Defaults are the reproducer: 3 nodes, 10 hot rows, 90 % reads, and before each
 * operation, with probability {@code evict}, {@code evictEntityData(Parent.class, id)} plus
 * {@code evictCollectionData(children, id)}.
 *
 * @param cache {@code caspian} or {@code stock} (hibernate-jcache over Caspian's JCache provider)
 * @param nodes application JVMs
 * @param threads driver threads per node
 * @param seconds length of the workload
 * @param seed decides the operation mix, rows and arguments of every driver thread
 * @param evict probability of a per-id eviction before an operation
 * @param regionEvict share of operations that evict a whole region, the query regions or everything
 * @param hot parents the workload keeps alive (contention: fewer rows, more conflicts)
 * @param reads share of operations that only read
 * @param memcachedMb memory of each memcached server; 2 puts the pool under LRU eviction
 * @param fault {@code none}, {@code memcached-kill}, {@code memcached-pause}, {@code node-kill} or {@code node-pause}, mid-run
 * @param mix which writes: {@code all}, {@code no-stateless} (no writes through a StatelessSession) or
 *     {@code session} (neither those nor bulk HQL and native SQL): to tell the paths apart
 * @param latencyMs largest random pause injected after each query's last row and before each commit (0: none)
 */
public record Knobs(String cache, int nodes, int threads, int seconds, long seed, double evict, double regionEvict,
    int hot, double reads, int memcachedMb, String fault, String mix, int latencyMs) {

  public Knobs {
    if (!Set.of("caspian", "stock").contains(cache)) {
      throw new IllegalArgumentException("cache: caspian or stock, not " + cache);
    }
    if (!Set.of("all", "no-stateless", "session").contains(mix)) {
      throw new IllegalArgumentException("mix: all, no-stateless or session, not " + mix);
    }
  }

  public static Knobs defaults() {
    return new Knobs("caspian", 3, 4, 15, 1, 0.5, 0.002, 10, 0.9, 64, "none", "all", 0);
  }

  public Knobs withCache(String value) {
    return with(Map.of("cache", value));
  }

  public Knobs withSeed(long value) {
    return with(Map.of("seed", "" + value));
  }

  public Knobs withSeconds(int value) {
    return with(Map.of("seconds", "" + value));
  }

  public Knobs withMix(String value) {
    return with(Map.of("mix", value));
  }

  public Knobs withLatency(int value) {
    return with(Map.of("latencyMs", "" + value));
  }

  /** A fault injected mid-run: {@code memcached-kill}, {@code memcached-pause}, {@code node-kill} or {@code node-pause}. */
  public Knobs withFault(String value) {
    return with(Map.of("fault", value));
  }

  /** Memory of each memcached server in MB; 2 puts the pool under LRU eviction. */
  public Knobs withMemcachedMb(int value) {
    return with(Map.of("memcachedMb", "" + value));
  }

  /** Without explicit evictions of any kind. */
  public Knobs withoutEvictions() {
    return with(Map.of("evict", "0", "regionEvict", "0"));
  }

  /** {@code --name value} pairs (names as the record's components) over {@code base}. */
  public static Knobs parse(String[] args, Knobs base) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value, got " + args[i]);
      }
      values.put(args[i].substring(2), args[++i]);
    }
    return base.with(values);
  }

  private Knobs with(Map<String, String> v) {
    Set<String> unknown = new java.util.HashSet<>(v.keySet());
    unknown.removeAll(Set.of("cache", "nodes", "threads", "seconds", "seed", "evict", "regionEvict", "hot", "reads",
        "memcachedMb", "fault", "mix", "latencyMs"));
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown settings " + unknown);
    }
    return new Knobs(v.getOrDefault("cache", cache), Integer.parseInt(v.getOrDefault("nodes", "" + nodes)),
        Integer.parseInt(v.getOrDefault("threads", "" + threads)),
        Integer.parseInt(v.getOrDefault("seconds", "" + seconds)), Long.parseLong(v.getOrDefault("seed", "" + seed)),
        Double.parseDouble(v.getOrDefault("evict", "" + evict)),
        Double.parseDouble(v.getOrDefault("regionEvict", "" + regionEvict)),
        Integer.parseInt(v.getOrDefault("hot", "" + hot)), Double.parseDouble(v.getOrDefault("reads", "" + reads)),
        Integer.parseInt(v.getOrDefault("memcachedMb", "" + memcachedMb)), v.getOrDefault("fault", fault),
        v.getOrDefault("mix", mix), Integer.parseInt(v.getOrDefault("latencyMs", "" + latencyMs)));
  }

  @Override
  public String toString() {
    return String.format("%s nodes=%d threads=%d seconds=%d seed=%d evict=%.2f regionEvict=%.3f hot=%d reads=%.2f"
        + " memcachedMb=%d fault=%s mix=%s latencyMs=%d", cache, nodes, threads, seconds, seed, evict, regionEvict,
        hot, reads, memcachedMb, fault, mix, latencyMs);
  }
}
