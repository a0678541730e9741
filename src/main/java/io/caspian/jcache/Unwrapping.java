package io.caspian.jcache;

import io.caspian.memcached.Memcached;
import net.spy.memcached.MemcachedClient;

/** What a cache or cache manager unwraps to: itself, Caspian's transport, or the spymemcached client under it. */
final class Unwrapping {
  private Unwrapping() {}

  static <T> T unwrap(Object self, Memcached memcached, Class<T> clazz) {
    if (clazz.isInstance(self)) {
      return clazz.cast(self);
    }
    if (clazz.isInstance(memcached)) {
      return clazz.cast(memcached);
    }
    if (clazz.isAssignableFrom(MemcachedClient.class)) {
      return clazz.cast(memcached.client());
    }
    throw new IllegalArgumentException("cannot unwrap " + self + " to " + clazz.getName());
  }
}
