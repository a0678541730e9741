package io.caspian.hibernate.races;

import io.caspian.jcache.ServerAwareCache;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import javax.cache.Cache;
import java.util.function.Function;
import javax.cache.processor.EntryProcessor;

/**
 * Wraps a JCache cache so that a {@link Pause} opens exactly where each region factory's read-modify-write is
 * exposed to other nodes: stock Hibernate after its {@code get} (its {@code put} follows), Caspian inside its
 * {@code invoke} processor (memcached has served the {@code gets}; the {@code cas} follows). Nothing else changes.
 */
final class PausingCache implements InvocationHandler {
  /** Where the window opens. */
  enum Where { AFTER_GET, IN_PROCESSOR }

  private final Cache<Object, Object> delegate;
  private final Pause pause;
  private final Where where;

  private PausingCache(Cache<Object, Object> delegate, Pause pause, Where where) {
    this.delegate = delegate;
    this.pause = pause;
    this.where = where;
  }

  @SuppressWarnings("unchecked")
  static Cache<Object, Object> wrap(Cache<Object, Object> cache, Pause pause, Where where) {
    return (Cache<Object, Object>) Proxy.newProxyInstance(PausingCache.class.getClassLoader(),
        new Class<?>[] {Cache.class, ServerAwareCache.class}, new PausingCache(cache, pause, where));
  }

  @Override
  @SuppressWarnings("unchecked")
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (where == Where.IN_PROCESSOR && method.getName().equals("invoke") && args.length == 3 && args[1] instanceof EntryProcessor<?, ?, ?> p) {
      args[1] = pausing((EntryProcessor<Object, Object, Object>) p);
    }
    if (where == Where.IN_PROCESSOR && method.getName().equals("invokeAlongside")) {
      // Caspian's updates choose their processor after reading the region epoch with the entry
      Function<Object, EntryProcessor<Object, Object, Object>> choose =
          (Function<Object, EntryProcessor<Object, Object, Object>>) args[3];
      args[3] = (Function<Object, EntryProcessor<Object, Object, Object>>) found -> pausing(choose.apply(found));
    }
    if (method.getName().equals("unwrap") && args[0] == ServerAwareCache.class) {
      delegate.unwrap(ServerAwareCache.class); // fails as the delegate would
      return proxy;
    }
    Object result;
    try {
      result = method.invoke(method.getDeclaringClass() == ServerAwareCache.class
          ? delegate.unwrap(ServerAwareCache.class) : delegate, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
    if (where == Where.AFTER_GET && method.getName().equals("get") && args != null && args.length == 1) {
      pause.window();
    }
    return result;
  }

  private EntryProcessor<Object, Object, Object> pausing(EntryProcessor<Object, Object, Object> processor) {
    return (entry, arguments) -> {
      pause.window();
      return processor.process(entry, arguments);
    };
  }
}
