package io.caspian.jcache;

import java.lang.management.ManagementFactory;
import javax.cache.CacheException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanRegistrationException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/** Registers a cache's configuration and statistics beans under the names JSR-107 prescribes. */
final class JmxRegistration {
  enum Kind {
    CONFIGURATION("CacheConfiguration"),
    STATISTICS("CacheStatistics");

    private final String type;

    Kind(String type) {
      this.type = type;
    }
  }

  private JmxRegistration() {}

  static void register(CaspianCache<?, ?> cache, Object bean, Kind kind) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = name(cache, kind);
    try {
      if (!server.isRegistered(name)) {
        server.registerMBean(bean, name);
      }
    } catch (javax.management.JMException e) {
      throw new CacheException("cannot register " + name, e);
    }
  }

  static void unregister(CaspianCache<?, ?> cache, Kind kind) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = name(cache, kind);
    try {
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
    } catch (InstanceNotFoundException ignored) {
      // unregistered concurrently: the goal is reached
    } catch (MBeanRegistrationException e) {
      throw new CacheException("cannot unregister " + name, e);
    }
  }

  static ObjectName name(CaspianCache<?, ?> cache, Kind kind) {
    String manager = sanitize(cache.getCacheManager().getURI().toString());
    String name = "javax.cache:type=" + kind.type + ",CacheManager=" + manager + ",Cache=" + sanitize(cache.getName());
    try {
      return new ObjectName(name);
    } catch (MalformedObjectNameException e) {
      throw new CacheException("illegal MBean name " + name, e);
    }
  }

  /**
   * ObjectName values may not hold these characters unquoted ('?' and '*' would make the name a pattern, as in a
   * manager URI with a query); JSR-107 tools expect them replaced by '.'.
   */
  private static String sanitize(String s) {
    return s == null ? "" : s.replaceAll("[,:=\n?*\"]", ".");
  }
}
