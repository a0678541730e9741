package io.caspian.hibernate;

import io.caspian.jcache.ServerAwareCache;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.SocketAddress;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.cache.Cache;
import javax.cache.CacheException;

/**
 * Caspian as seen by a node whose client cannot reach one memcached server, while other nodes can: the state of a
 * node not yet reconnected after that server restarted. Every operation touching a key on the cut-off server fails
 * as the real client's would (a {@link CacheException}); the rest goes to memcached. With {@code serverAware} false
 * the caches do not tell their servers, which leaves each region a single epoch copy: the design before issue 8.
 */
public final class CutOffCaspianRegionFactory extends CaspianRegionFactory {
  private static final long serialVersionUID = 1L;
  private final boolean serverAware;
  private transient volatile SocketAddress cutOff;
  /** The undecorated caches by name. */
  public final transient Map<String, Cache<Object, Object>> raw = new ConcurrentHashMap<>();

  public CutOffCaspianRegionFactory(boolean serverAware) {
    this.serverAware = serverAware;
  }

  /** From now on, every operation on a key of {@code server} fails. */
  public void cutOff(SocketAddress server) {
    cutOff = server;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Cache<Object, Object> decorateCache(String name, Cache<Object, Object> cache) {
    raw.put(name, cache);
    ServerAwareCache<Object, Object> servers = cache.unwrap(ServerAwareCache.class);
    Class<?>[] interfaces = serverAware ? new Class<?>[] {Cache.class, ServerAwareCache.class} : new Class<?>[] {Cache.class};
    return (Cache<Object, Object>) Proxy.newProxyInstance(getClass().getClassLoader(), interfaces,
        new Handler(cache, servers));
  }

  private final class Handler implements InvocationHandler {
    private final Cache<Object, Object> cache;
    private final ServerAwareCache<Object, Object> servers;

    Handler(Cache<Object, Object> cache, ServerAwareCache<Object, Object> servers) {
      this.cache = cache;
      this.servers = servers;
    }

    /** The keys on servers this node reaches; the others go to {@code unreachable}, as the real client's would. */
    private Set<Object> reachable(Set<Object> keys, Set<Object> unreachable) {
      Set<Object> reachable = new HashSet<>();
      for (Object key : keys) {
        (away(key) ? unreachable : reachable).add(key);
      }
      return reachable;
    }

    private boolean away(Object key) {
      return cutOff != null && cutOff.equals(servers.serverOf(key));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      if (name.equals("unwrap")) {
        if (((Class<?>) args[0]).isInstance(proxy)) {
          return proxy;
        }
        if (args[0] == ServerAwareCache.class) {
          throw new IllegalArgumentException("this node's caches do not tell their servers");
        }
      }
      if (name.equals("getAllReachable")) {
        return servers.getAllReachable(reachable((Set<Object>) args[0], (Set<Object>) args[1]),
            (Set<Object>) args[1]);
      }
      if (name.equals("invokeAlongside")) {
        args[1] = reachable((Set<Object>) args[1], (Set<Object>) args[2]);
      }
      if (args != null && args.length > 0 && cutOff != null && !name.equals("serverOf") && !name.equals("servers")) {
        Collection<?> keys = args[0] instanceof Collection<?> c ? c : Set.of(args[0]);
        for (Object key : keys) {
          if (key != null && !(key instanceof Class<?>) && away(key)) {
            throw new CacheException("memcached " + cutOff + " is not connected (cut off in this test)");
          }
        }
      }
      Object target = method.getDeclaringClass() == ServerAwareCache.class ? servers : cache;
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }
}
