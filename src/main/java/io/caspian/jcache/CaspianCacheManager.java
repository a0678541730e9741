package io.caspian.jcache;

import io.caspian.memcached.KeyEncoder;
import io.caspian.memcached.Memcached;
import io.caspian.memcached.MemcachedSettings;
import io.caspian.memcached.MemcachedUnavailableException;
import io.caspian.memcached.codec.TypeAdapters;
import io.caspian.memcached.codec.ValueCodec;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;

/**
 * A cache manager over one memcached pool and namespace. Caches of the same name in managers of the same
 * namespace, in any JVM, share their entries; each manager has its own client connection.
 *
 * <p>URI form: {@code memcached://host:port[,host:port...][/namespace]}. Properties may set the transport keys of
 * {@link MemcachedSettings} (timeout, SASL, value size, compression, serialization allow-list, namespace), and
 * {@link TypeAdapters#PROPERTY} may hold a {@link TypeAdapters} instance: types its values and keys are written
 * with, compactly, besides the built-in ones.
 */
public final class CaspianCacheManager implements CacheManager {
  private final CaspianCachingProvider provider;
  private final URI uri;
  private final ClassLoader classLoader;
  private final Properties properties;
  private final MemcachedSettings settings;
  private final Memcached memcached;
  private final KeyEncoder keyEncoder;
  private final ValueCodec valueCodec;
  private final Map<String, CaspianCache<?, ?>> caches = new ConcurrentHashMap<>();
  private final ExecutorService executor;
  private volatile boolean closed;

  CaspianCacheManager(CaspianCachingProvider provider, URI uri, ClassLoader classLoader, Properties properties) {
    this.provider = provider;
    this.uri = uri;
    this.classLoader = classLoader;
    this.properties = new Properties();
    this.properties.putAll(properties);
    this.settings = ManagerUri.settings(uri, this.properties);
    this.memcached = connect(settings);
    this.keyEncoder = new KeyEncoder(settings.namespace());
    this.valueCodec = new ValueCodec(settings, TypeAdapters.from(this.properties));
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "caspian-loader");
      t.setDaemon(true);
      return t;
    });
  }

  /** The transport; a pool that refuses the SASL credentials fails here, saying so. */
  private static Memcached connect(MemcachedSettings settings) {
    try {
      return new Memcached(settings);
    } catch (MemcachedUnavailableException e) {
      throw new CacheException(e.getMessage(), e);
    }
  }

  @Override
  public CachingProvider getCachingProvider() {
    return provider;
  }

  @Override
  public URI getURI() {
    return uri;
  }

  @Override
  public ClassLoader getClassLoader() {
    return classLoader;
  }

  @Override
  public Properties getProperties() {
    return properties;
  }

  /** The transport settings this manager runs with. */
  public MemcachedSettings settings() {
    return settings;
  }

  @Override
  public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String cacheName, C configuration) {
    checkOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    Objects.requireNonNull(configuration, "configuration");
    synchronized (caches) {
      if (caches.containsKey(cacheName)) {
        throw new CacheException("cache " + cacheName + " already exists");
      }
      CaspianCache<K, V> cache = newCache(cacheName, configuration);
      caches.put(cacheName, cache);
      return cache;
    }
  }

  private <K, V> CaspianCache<K, V> newCache(String cacheName, Configuration<K, V> configuration) {
    MutableConfiguration<K, V> copy = copyOf(configuration);
    EntryStore<K, V> store = new EntryStore<>(memcached, keyEncoder, cacheName,
        new EntryCodec(valueCodec, classLoader));
    return new CaspianCache<>(this, cacheName, copy, store, executor);
  }

  private static <K, V> MutableConfiguration<K, V> copyOf(Configuration<K, V> configuration) {
    if (configuration instanceof CompleteConfiguration<K, V> complete) {
      return new MutableConfiguration<>(complete);
    }
    MutableConfiguration<K, V> copy = new MutableConfiguration<>();
    copy.setTypes(configuration.getKeyType(), configuration.getValueType());
    copy.setStoreByValue(configuration.isStoreByValue());
    return copy;
  }

  @Override
  public <K, V> Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
    checkOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    Objects.requireNonNull(keyType, "keyType");
    Objects.requireNonNull(valueType, "valueType");
    CaspianCache<?, ?> cache = caches.get(cacheName);
    if (cache == null) {
      return null;
    }
    CompleteConfiguration<?, ?> configuration = cache.configuration();
    if (configuration.getKeyType() != keyType) {
      throw new ClassCastException("cache " + cacheName + " has key type " + configuration.getKeyType().getName()
          + ", not " + keyType.getName());
    }
    if (configuration.getValueType() != valueType) {
      throw new ClassCastException("cache " + cacheName + " has value type "
          + configuration.getValueType().getName() + ", not " + valueType.getName());
    }
    @SuppressWarnings("unchecked")
    Cache<K, V> typed = (Cache<K, V>) cache;
    return typed;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <K, V> Cache<K, V> getCache(String cacheName) {
    checkOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    return (Cache<K, V>) caches.get(cacheName);
  }

  @Override
  public Iterable<String> getCacheNames() {
    checkOpen();
    return Collections.unmodifiableSet(new LinkedHashSet<>(caches.keySet()));
  }

  /** Removes the cache from this manager and deletes its entries from memcached (for every JVM). */
  @Override
  public void destroyCache(String cacheName) {
    checkOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    CaspianCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      try {
        cache.clear();
      } finally {
        cache.close();
      }
    } else {
      // a cache of this name may hold entries written by another JVM or an earlier run
      new EntryStore<>(memcached, keyEncoder, cacheName, new EntryCodec(valueCodec, classLoader)).clear();
    }
  }

  @Override
  public void enableManagement(String cacheName, boolean enabled) {
    checkOpen();
    cache(cacheName).setManagementEnabled(enabled);
  }

  @Override
  public void enableStatistics(String cacheName, boolean enabled) {
    checkOpen();
    cache(cacheName).setStatisticsEnabled(enabled);
  }

  private CaspianCache<?, ?> cache(String cacheName) {
    Objects.requireNonNull(cacheName, "cacheName");
    CaspianCache<?, ?> cache = caches.get(cacheName);
    if (cache == null) {
      throw new IllegalArgumentException("no cache named " + cacheName);
    }
    return cache;
  }

  void release(CaspianCache<?, ?> cache) {
    caches.remove(cache.getName(), cache);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    provider.release(this);
    for (CaspianCache<?, ?> cache : caches.values()) {
      try {
        cache.close();
      } catch (RuntimeException ignored) {
        // close every cache even if one fails
      }
    }
    caches.clear();
    executor.shutdown();
    memcached.close();
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    return Unwrapping.unwrap(this, memcached, clazz);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("cache manager " + uri + " is closed");
    }
  }

  @Override
  public String toString() {
    return "CaspianCacheManager[" + uri + "]";
  }
}
