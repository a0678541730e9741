package io.caspian.jcache;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;

/**
 * The JSR-107 entry point: {@code Caching.getCachingProvider("io.caspian.jcache.CaspianCachingProvider")}.
 *
 * <p>The default URI is {@code memcached://} followed by the system property {@code caspian.memcached.servers},
 * else the environment variable {@code CASPIAN_MEMCACHED_SERVERS}, else {@code 127.0.0.1:11211}. A request for the
 * default URI ({@code null}) whose properties name {@code caspian.memcached.servers} or {@code caspian.namespace} gets
 * the manager of the URI those describe, {@code memcached://servers/namespace}, so that callers with different
 * settings never share a manager.
 */
public final class CaspianCachingProvider implements CachingProvider {
  private final Map<ClassLoader, Map<URI, CaspianCacheManager>> managers = new WeakHashMap<>();

  @Override
  public CacheManager getCacheManager(URI uri, ClassLoader classLoader, Properties properties) {
    Properties props = properties == null ? new Properties() : properties;
    URI managerUri = uri == null ? ManagerUri.forDefault(props) : uri;
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    synchronized (managers) {
      return managers.computeIfAbsent(loader, l -> new HashMap<>())
          .computeIfAbsent(managerUri, u -> new CaspianCacheManager(this, u, loader, props));
    }
  }

  @Override
  public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
    return getCacheManager(uri, classLoader, getDefaultProperties());
  }

  @Override
  public CacheManager getCacheManager() {
    return getCacheManager(getDefaultURI(), getDefaultClassLoader());
  }

  @Override
  public ClassLoader getDefaultClassLoader() {
    return getClass().getClassLoader();
  }

  @Override
  public URI getDefaultURI() {
    return ManagerUri.defaultUri();
  }

  @Override
  public Properties getDefaultProperties() {
    return new Properties();
  }

  @Override
  public void close() {
    for (CaspianCacheManager manager : snapshot(null)) {
      manager.close();
    }
  }

  @Override
  public void close(ClassLoader classLoader) {
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    for (CaspianCacheManager manager : snapshot(loader)) {
      manager.close();
    }
  }

  @Override
  public void close(URI uri, ClassLoader classLoader) {
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    CaspianCacheManager manager;
    synchronized (managers) {
      Map<URI, CaspianCacheManager> byUri = managers.get(loader);
      manager = byUri == null ? null : byUri.get(uri == null ? getDefaultURI() : uri);
    }
    if (manager != null) {
      manager.close();
    }
  }

  private java.util.List<CaspianCacheManager> snapshot(ClassLoader loader) {
    synchronized (managers) {
      java.util.List<CaspianCacheManager> all = new java.util.ArrayList<>();
      managers.forEach((l, byUri) -> {
        if (loader == null || l == loader) {
          all.addAll(byUri.values());
        }
      });
      return all;
    }
  }

  void release(CaspianCacheManager manager) {
    synchronized (managers) {
      Map<URI, CaspianCacheManager> byUri = managers.get(manager.getClassLoader());
      if (byUri != null) {
        byUri.remove(manager.getURI(), manager);
        if (byUri.isEmpty()) {
          managers.remove(manager.getClassLoader());
        }
      }
    }
  }

  /** Store-by-reference is not supported: entries live in another process and are always copies. */
  @Override
  public boolean isSupported(OptionalFeature optionalFeature) {
    return false;
  }
}
