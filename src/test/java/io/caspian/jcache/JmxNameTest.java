package io.caspian.jcache;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.testing.MemcachedExtension;
import java.lang.management.ManagementFactory;
import java.net.URI;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Statistics and configuration MBeans of a cache whose manager URI has a query ('?' is a wildcard in ObjectNames). */
class JmxNameTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  @Test
  void aManagerUriWithAQueryRegistersItsMBeans() throws Exception {
    URI uri = URI.create("memcached://" + memcached.addresses() + "/jmx-name?instance=A*");
    CacheManager manager = Caching.getCachingProvider(CaspianCachingProvider.class.getName())
        .getCacheManager(uri, getClass().getClassLoader());
    try {
      manager.createCache("c", new MutableConfiguration<String, String>().setStatisticsEnabled(true)
          .setManagementEnabled(true));
      String expected = "javax.cache:type=CacheStatistics,CacheManager=memcached.//"
          + memcached.addresses().replace(':', '.') + "/jmx-name.instance.A.,Cache=c";
      assertTrue(ManagementFactory.getPlatformMBeanServer().isRegistered(new ObjectName(expected)), expected);
    } finally {
      manager.close();
    }
  }
}
