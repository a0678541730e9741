package io.caspian.jcache;

import io.caspian.memcached.MemcachedSettings;
import java.net.URI;
import java.util.Properties;

/**
 * Reads a cache manager URI. {@code memcached://h1:p1,h2:p2/namespace} names the pool and the namespace; any other
 * URI (JSR-107 lets applications name managers freely) uses the default pool, and its text becomes the namespace,
 * so that differently named managers do not share entries. Explicit properties win over the URI.
 */
final class ManagerUri {
  static final String SCHEME = "memcached";

  private ManagerUri() {}

  static URI defaultUri() {
    String servers = System.getProperty(MemcachedSettings.SERVERS);
    if (servers == null || servers.isBlank()) {
      servers = System.getenv(MemcachedSettings.SERVERS_ENV);
    }
    if (servers == null || servers.isBlank()) {
      servers = MemcachedSettings.DEFAULT_SERVERS;
    }
    return URI.create(SCHEME + "://" + servers.trim().replaceAll("\\s+", ""));
  }

  /**
   * The URI of the manager a caller gets for "the default URI" with these properties: the default one, unless the
   * properties name the servers or the namespace; then the URI that says so. Otherwise two callers in one JVM with
   * different settings (two Spring contexts, each passing its {@code caspian.*} keys) would share the first one's
   * manager, namespace and all, since the provider hands out one manager per URI.
   */
  static URI forDefault(Properties properties) {
    String servers = properties.getProperty(MemcachedSettings.SERVERS);
    String namespace = properties.getProperty(MemcachedSettings.NAMESPACE);
    if ((servers == null || servers.isBlank()) && (namespace == null || namespace.isBlank())) {
      return defaultUri();
    }
    String authority = servers == null || servers.isBlank() ? defaultUri().getRawAuthority()
        : servers.trim().replaceAll("\\s+", "");
    try {
      return new URI(SCHEME, authority, namespace == null || namespace.isBlank() ? null : "/" + namespace.trim(),
          null, null);
    } catch (java.net.URISyntaxException e) {
      return defaultUri(); // the settings themselves are checked, and reported, when the manager is made
    }
  }

  static MemcachedSettings settings(URI uri, Properties properties) {
    Properties effective = new Properties();
    if (SCHEME.equalsIgnoreCase(uri.getScheme()) && uri.getRawAuthority() != null) {
      effective.setProperty(MemcachedSettings.SERVERS, uri.getRawAuthority());
      String path = uri.getPath();
      if (path != null && path.length() > 1) {
        effective.setProperty(MemcachedSettings.NAMESPACE, path.substring(1));
      }
    } else {
      effective.setProperty(MemcachedSettings.NAMESPACE, uri.toString());
    }
    effective.putAll(properties);
    try {
      return MemcachedSettings.fromProperties(effective);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cache manager URI " + uri + ": " + e.getMessage(), e);
    }
  }
}
