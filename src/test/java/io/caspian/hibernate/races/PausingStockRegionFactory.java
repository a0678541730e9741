package io.caspian.hibernate.races;

import java.net.URI;
import java.util.Map;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.hibernate.boot.spi.SessionFactoryOptions;
import org.hibernate.cache.jcache.internal.JCacheRegionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;

/**
 * Stock hibernate-jcache over the very same Caspian JCache provider and memcached, with a pause after each
 * {@code get} (stock's read-modify-writes are a get and then a put, guarded only by a JVM-local lock).
 */
public final class PausingStockRegionFactory extends JCacheRegionFactory {
  private static final long serialVersionUID = 1L;
  private final transient Pause pause;
  private final String servers;
  private final String namespace;

  PausingStockRegionFactory(Pause pause, String servers, String namespace) {
    this.pause = pause;
    this.servers = servers;
    this.namespace = namespace;
  }

  @Override
  protected CacheManager resolveCacheManager(SessionFactoryOptions settings, Map<String, Object> properties) {
    // hibernate-jcache would resolve its URI as a resource URL; hand it the Caspian manager directly
    Properties props = new Properties();
    props.setProperty("caspian.serialization.allow", "org.hibernate.**;io.caspian.**");
    return Caching.getCachingProvider("io.caspian.jcache.CaspianCachingProvider")
        .getCacheManager(URI.create("memcached://" + servers + "/" + namespace),
            new ClassLoader(getClass().getClassLoader()) {}, props);
  }

  @Override
  protected Cache<Object, Object> getOrCreateCache(String regionName, SessionFactoryImplementor sessionFactory) {
    return PausingCache.wrap(super.getOrCreateCache(regionName, sessionFactory), pause,
        PausingCache.Where.AFTER_GET);
  }
}
