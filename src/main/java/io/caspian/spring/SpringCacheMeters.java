package io.caspian.spring;

import io.caspian.jcache.CaspianCache;
import io.caspian.micrometer.CaspianCacheMeters;
import io.micrometer.core.instrument.Tag;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;

/**
 * Boot's {@code CacheMeterBinderProvider} (its package differs between 3.5 and 4.0, hence a proxy): for a Spring
 * cache over a Caspian JCache cache, {@link CaspianCacheMeters}; for any other cache null, so Boot asks its own
 * providers. Loaded only when Micrometer is present.
 */
final class SpringCacheMeters implements InvocationHandler {
  private final Class<?> hook;

  SpringCacheMeters(Class<?> hook) {
    this.hook = hook;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Object invoke(Object self, Method method, Object[] args) {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "equals" -> self == args[0];
        case "hashCode" -> System.identityHashCode(self);
        default -> "Caspian " + hook.getSimpleName();
      };
    }
    if (!(args[0] instanceof org.springframework.cache.Cache cache)
        || !(cache.getNativeCache() instanceof javax.cache.Cache<?, ?> jcache)) {
      return null;
    }
    CaspianCache<?, ?> caspian;
    try {
      caspian = jcache.unwrap(CaspianCache.class);
    } catch (IllegalArgumentException notCaspian) {
      return null;
    }
    return new CaspianCacheMeters(caspian, (Iterable<Tag>) args[1]);
  }
}
