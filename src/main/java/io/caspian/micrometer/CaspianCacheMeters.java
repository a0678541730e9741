package io.caspian.micrometer;

import io.caspian.jcache.CaspianCache;
import io.caspian.jcache.CaspianCacheStatisticsMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;

/**
 * Micrometer's standard cache meters ({@code cache.gets} with {@code result=hit|miss}, {@code cache.puts}, {@code
 * cache.evictions}, {@code cache.removals}) of one Caspian JCache cache, read from its statistics directly.
 * Micrometer's {@code JCacheMetrics} reads them through JMX and cannot name the MBean of a cache manager whose URI
 * lists several servers ({@code memcached://a:11211,b:11211/ns}: a comma); Spring Boot uses this binder for Caspian's
 * caches instead (see {@code io.caspian.spring}). The cache's statistics must be enabled for the meters to move.
 */
public final class CaspianCacheMeters extends CacheMeterBinder<CaspianCache<?, ?>> {
  private final CaspianCacheStatisticsMXBean statistics;

  public CaspianCacheMeters(CaspianCache<?, ?> cache, Iterable<Tag> tags) {
    super(cache, cache.getName(), tags);
    this.statistics = cache.statistics();
  }

  @Override
  protected Long size() {
    return null; // memcached does not count a cache's entries
  }

  @Override
  protected long hitCount() {
    return statistics.getCacheHits();
  }

  @Override
  protected Long missCount() {
    return statistics.getCacheMisses();
  }

  @Override
  protected Long evictionCount() {
    return statistics.getCacheEvictions();
  }

  @Override
  protected long putCount() {
    return statistics.getCachePuts();
  }

  @Override
  protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
    FunctionCounter.builder("cache.removals", statistics, CaspianCacheStatisticsMXBean::getCacheRemovals)
        .tags(getTagsWithCacheName()).description("Cache removals").register(registry);
  }
}
