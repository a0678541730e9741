package io.caspian.consistency;

import java.util.LinkedHashMap;
import java.util.Map;

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
 * @param fault {@code none}, {@code memcached-kill}, {@code memcached-pause} or {@code node-kill}, mid-run
 * @param mix which writes: {@code all}, {@code no-stateless} (no writes through a StatelessSession) or
 *     {@code session} (neither those nor bulk HQL and native SQL): to tell the paths apart
 * @param latencyMs largest random pause injected after each query's last row and before each commit (0: none)
 */
public record Knobs(String cache, int nodes, int threads, int seconds, long seed, double evict, double regionEvict,
    int hot, double reads, int memcachedMb, String fault, String mix, int latencyMs) {

  public static Knobs defaults() {
    return new Knobs("caspian", 3, 4, 15, 1, 0.5, 0.002, 10, 0.9, 64, "none", "all", 0);
  }

  public Knobs withCache(String value) {
    return new Knobs(value, nodes, threads, seconds, seed, evict, regionEvict, hot, reads, memcachedMb, fault, mix, latencyMs);
  }

  public Knobs withSeed(long value) {
    return new Knobs(cache, nodes, threads, seconds, value, evict, regionEvict, hot, reads, memcachedMb, fault, mix, latencyMs);
  }

  public Knobs withSeconds(int value) {
    return new Knobs(cache, nodes, threads, value, seed, evict, regionEvict, hot, reads, memcachedMb, fault, mix, latencyMs);
  }

  public Knobs withMix(String value) {
    return new Knobs(cache, nodes, threads, seconds, seed, evict, regionEvict, hot, reads, memcachedMb, fault, value, latencyMs);
  }

  /** Without explicit evictions of any kind. */
  public Knobs withoutEvictions() {
    return new Knobs(cache, nodes, threads, seconds, seed, 0, 0, hot, reads, memcachedMb, fault, mix, latencyMs);
  }

  /** {@code --name value} pairs (names as the record's components) over {@code base}. */
  public static Knobs parse(String[] args, Knobs base) {
    Map<String, String> v = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value, got " + args[i]);
      }
      v.put(args[i].substring(2), args[++i]);
    }
    Knobs k = new Knobs(v.getOrDefault("cache", base.cache),
        Integer.parseInt(v.getOrDefault("nodes", "" + base.nodes)),
        Integer.parseInt(v.getOrDefault("threads", "" + base.threads)),
        Integer.parseInt(v.getOrDefault("seconds", "" + base.seconds)),
        Long.parseLong(v.getOrDefault("seed", "" + base.seed)),
        Double.parseDouble(v.getOrDefault("evict", "" + base.evict)),
        Double.parseDouble(v.getOrDefault("regionEvict", v.getOrDefault("region-evict", "" + base.regionEvict))),
        Integer.parseInt(v.getOrDefault("hot", "" + base.hot)),
        Double.parseDouble(v.getOrDefault("reads", "" + base.reads)),
        Integer.parseInt(v.getOrDefault("memcachedMb", v.getOrDefault("memcached-mb", "" + base.memcachedMb))),
        v.getOrDefault("fault", base.fault), v.getOrDefault("mix", base.mix),
        Integer.parseInt(v.getOrDefault("latencyMs", v.getOrDefault("latency-ms", "" + base.latencyMs))));
    if (!java.util.Set.of("all", "no-stateless", "session").contains(k.mix)) {
      throw new IllegalArgumentException("--mix all|no-stateless|session");
    }
    if (!k.cache.equals("caspian") && !k.cache.equals("stock")) {
      throw new IllegalArgumentException("--cache caspian|stock");
    }
    return k;
  }

  @Override
  public String toString() {
    return String.format("%s nodes=%d threads=%d seconds=%d seed=%d evict=%.2f regionEvict=%.3f hot=%d reads=%.2f"
        + " memcachedMb=%d fault=%s mix=%s latencyMs=%d", cache, nodes, threads, seconds, seed, evict, regionEvict, hot, reads,
        memcachedMb, fault, mix, latencyMs);
  }

  public Knobs withLatency(int value) {
    return new Knobs(cache, nodes, threads, seconds, seed, evict, regionEvict, hot, reads, memcachedMb, fault, mix,
        value);
  }
}
