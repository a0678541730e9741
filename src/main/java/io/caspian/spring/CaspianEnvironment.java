package io.caspian.spring;

import io.caspian.jcache.CaspianCachingProvider;
import io.caspian.memcached.MemcachedSettings;
import io.caspian.memcached.security.SecuritySettings;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * The {@code caspian.*} keys of a Spring {@link Environment} as the properties of Caspian's JCache {@code
 * CacheManager}. Every key of {@link #KEYS} is looked up the Spring way (so {@code CASPIAN_MEMCACHED_SERVERS} in the
 * environment counts too), and any other {@code caspian.*} key a property source lists is passed on as it is.
 *
 * <p>{@code spring.cache.jcache.config} decides what the URI Spring Boot hands the provider means:
 * <ul>
 *   <li>{@code memcached://host:port[,host:port]/namespace}: the URI's servers and namespace win over {@code
 *       caspian.memcached.servers} and {@code caspian.namespace}, which are then not passed;
 *   <li>a {@code .properties} resource (e.g. {@code classpath:caspian.properties}): its {@code caspian.*} keys are
 *       read, below the environment's;
 *   <li>anything else is refused at startup (Caspian has no configuration file of another format);
 * </ul>
 * and unless the URI is a {@code memcached://} one the namespace is always passed (default {@code caspian}), so the
 * resource's path never becomes the namespace.
 */
public final class CaspianEnvironment {
  /** The property that names Spring Boot's JCache configuration resource. */
  public static final String CONFIG = "spring.cache.jcache.config";
  /** The property that names Spring Boot's JCache provider. */
  public static final String PROVIDER = "spring.cache.jcache.provider";
  static final String PREFIX = "caspian.";
  static final String DEFAULT_NAMESPACE = "caspian";

  /** The transport keys of {@link MemcachedSettings} and {@link SecuritySettings}, as the configuration metadata lists them. */
  public static final List<String> KEYS = List.of(
      MemcachedSettings.SERVERS, MemcachedSettings.NAMESPACE, MemcachedSettings.TIMEOUT,
      MemcachedSettings.SASL_USERNAME, MemcachedSettings.SASL_PASSWORD, MemcachedSettings.MAX_VALUE_BYTES,
      MemcachedSettings.COMPRESSION_THRESHOLD, MemcachedSettings.SERIALIZATION_ALLOW,
      MemcachedSettings.CAS_MAX_ATTEMPTS, MemcachedSettings.MAX_DEPTH, MemcachedSettings.FAIL_OPEN,
      SecuritySettings.KEY, SecuritySettings.KEY_FILE, SecuritySettings.PREVIOUS_KEY,
      SecuritySettings.PREVIOUS_KEY_FILE, SecuritySettings.ACCEPT_UNSIGNED,
      MemcachedSettings.TLS, MemcachedSettings.TLS_CA_FILE, MemcachedSettings.TLS_TRUST_STORE,
      MemcachedSettings.TLS_TRUST_STORE_PASSWORD, MemcachedSettings.TLS_TRUST_STORE_TYPE,
      MemcachedSettings.TLS_KEY_STORE, MemcachedSettings.TLS_KEY_STORE_PASSWORD, MemcachedSettings.TLS_KEY_STORE_TYPE,
      MemcachedSettings.TLS_HOSTNAME_VERIFICATION);

  private CaspianEnvironment() {}

  /** Whether Spring Boot's JCache support runs on Caspian: no other provider is named. */
  public static boolean caspianIsTheProvider(Environment environment) {
    String provider = environment.getProperty(PROVIDER);
    return provider == null || provider.isBlank()
        || provider.trim().equals(CaspianCachingProvider.class.getName());
  }

  /** Whether {@code location} is a {@code memcached://} cache manager URI. */
  static boolean isMemcachedUri(String location) {
    return location != null && location.trim().toLowerCase(Locale.ROOT).startsWith("memcached://");
  }

  /**
   * The {@code CacheManager} properties the environment (and {@value #CONFIG}) gives.
   *
   * @throws IllegalStateException when {@value #CONFIG} names a resource Caspian cannot read
   */
  public static Properties cacheManagerProperties(Environment environment, ResourceLoader resources) {
    Properties properties = new Properties();
    if (environment instanceof ConfigurableEnvironment configurable) {
      for (PropertySource<?> source : configurable.getPropertySources()) {
        if (source instanceof EnumerablePropertySource<?> enumerable) {
          for (String name : enumerable.getPropertyNames()) {
            if (name.startsWith(PREFIX) && !properties.containsKey(name)) {
              String value = environment.getProperty(name);
              if (value != null) {
                properties.setProperty(name, value);
              }
            }
          }
        }
      }
    }
    for (String key : KEYS) {
      String value = environment.getProperty(key);
      if (value != null) {
        properties.setProperty(key, value);
      }
    }
    String config = environment.getProperty(CONFIG);
    if (isMemcachedUri(config)) {
      properties.remove(MemcachedSettings.SERVERS);
      properties.remove(MemcachedSettings.NAMESPACE);
      return properties;
    }
    if (config != null && !config.isBlank()) {
      readConfigFile(config.trim(), resources).forEach(properties::putIfAbsent);
    }
    properties.putIfAbsent(MemcachedSettings.NAMESPACE, defaultNamespace(environment));
    return properties;
  }

  /**
   * The namespace when none is configured: the application's name ({@code spring.application.name}), so that two
   * applications on one memcached do not share entries by default; else {@value #DEFAULT_NAMESPACE}. Said at INFO.
   */
  /** An application name as a namespace: characters a namespace cannot hold become {@code -}. */
  static String namespaceOf(String applicationName) {
    return applicationName.trim().replaceAll("[^A-Za-z0-9._-]", "-");
  }

  static String defaultNamespace(Environment environment) {
    String name = environment.getProperty("spring.application.name");
    String safe = name == null ? "" : namespaceOf(name);
    String namespace = safe.isEmpty() || safe.matches("-+") ? DEFAULT_NAMESPACE : safe;
    System.getLogger(CaspianEnvironment.class.getName()).log(System.Logger.Level.INFO, () -> "Spring Cache on"
        + " Caspian: memcached namespace '" + namespace + "' (" + (namespace.equals(DEFAULT_NAMESPACE)
        ? "the default: no spring.application.name" : "from spring.application.name") + "); set "
        + MemcachedSettings.NAMESPACE + " to choose another");
    return namespace;
  }

  private static Properties readConfigFile(String location, ResourceLoader resources) {
    Resource resource = resources.getResource(location);
    String name = resource.getFilename();
    if (name == null || !name.toLowerCase(Locale.ROOT).endsWith(".properties")) {
      throw new IllegalStateException(CONFIG + "=" + location + ": Caspian's JCache provider takes a memcached://"
          + "host:port[,host:port]/namespace URI there, or a .properties file of caspian.* keys");
    }
    Properties read = new Properties();
    try (InputStream in = resource.getInputStream()) {
      read.load(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + CONFIG + "=" + location + ": " + e.getMessage(), e);
    }
    Properties caspian = new Properties();
    read.forEach((k, v) -> {
      if (k.toString().startsWith(PREFIX)) {
        caspian.put(k.toString(), v.toString().trim());
      }
    });
    return caspian;
  }
}
