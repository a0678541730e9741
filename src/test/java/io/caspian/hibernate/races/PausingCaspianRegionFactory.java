package io.caspian.hibernate.races;

import io.caspian.hibernate.CaspianRegionFactory;
import javax.cache.Cache;

/** Caspian with a pause inside each {@code invoke} processor (between memcached's gets and cas). */
public final class PausingCaspianRegionFactory extends CaspianRegionFactory {
  private static final long serialVersionUID = 1L;
  private final transient Pause pause;
  /** The undecorated caches by name, so a test can play memcached dropping an item (LRU, restart). */
  final transient java.util.Map<String, Cache<Object, Object>> raw = new java.util.concurrent.ConcurrentHashMap<>();

  PausingCaspianRegionFactory(Pause pause) {
    this.pause = pause;
  }

  @Override
  protected Cache<Object, Object> decorateCache(String name, Cache<Object, Object> cache) {
    raw.put(name, cache);
    return PausingCache.wrap(cache, pause, PausingCache.Where.IN_PROCESSOR);
  }
}
