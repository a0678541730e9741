package io.caspian.hibernate;

import io.caspian.memcached.MemcachedSettings;
import io.caspian.memcached.codec.TypeAdapters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.hibernate.cache.CacheException;

/**
 * The {@code hibernate.cache.caspian.*} configuration, parsed and validated once at bootstrap. Immutable; holds no
 * behaviour beyond turning itself into the Caspian JCache {@code CacheManager} URI and properties.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><td>{@value #SERVERS}</td><td>required, {@code host:port[,host:port...]}</td></tr>
 *   <tr><td>{@value #NAMESPACE}</td><td>key namespace shared by all nodes of one application (default: the
 *   SessionFactory's name ({@code hibernate.session_factory_name}) or the persistence unit's, except JPA's
 *   {@code default}; else {@value #DEFAULT_NAMESPACE})</td></tr>
 *   <tr><td>{@value #TIMEOUT}</td><td>memcached operation timeout in ms (default 500)</td></tr>
 *   <tr><td>{@value #SASL_USERNAME}, {@value #SASL_PASSWORD}</td><td>optional SASL credentials</td></tr>
 *   <tr><td>{@value #EXPIRY}</td><td>default entry expiry in seconds, 0 = none (default 0)</td></tr>
 *   <tr><td>{@value #REGION_PREFIX}{@code <region>.expiry}</td><td>expiry of one region in seconds</td></tr>
 *   <tr><td>{@value #CLOCK_MAX_LAG}</td><td>milliseconds a transaction may take the cluster clock value this JVM
 *   last saw (entry reads fetch the clock with them) instead of reading it (default
 *   {@value #DEFAULT_CLOCK_MAX_LAG_MILLIS}; 0: one clock read at every transaction start); see {@link ClusterClock}</td></tr>
 *   <tr><td>{@value #CLOCK_MAX_SKEW}</td><td>the largest difference in ms between the wall clocks of the application
 *   servers (default 1000): a cluster clock that memcached lost is rebuilt this far ahead of the rebuilding node's
 *   own time, so it never goes back below a value another node issued; see {@link ClusterClock}</td></tr>
 *   <tr><td>{@value #LOCK_TIMEOUT}</td><td>seconds after which a soft lock or an in-flight writer is presumed dead (default 60)</td></tr>
 *   <tr><td>{@value #ASYNC_COMPLETION}</td><td>whether a transaction's cache work after its commit (publishing or
 *   releasing its soft locks, the tables' commit stamps) runs in the background once the transaction has returned
 *   (default true; its locks protect the keys until then, see {@link CompletionQueue}); false runs it before</td></tr>
 *   <tr><td>{@value #PREFIX}{@code security.key} (or {@code security.key-file}), {@value #PREFIX}{@code
 *   security.previous-key} (or {@code security.previous-key-file})</td><td>the secret values in memcached are signed
 *   with, and the one still accepted during a rotation; see {@code io.caspian.memcached.security.ValueSigner} (default: the
 *   {@code CASPIAN_SECURITY_KEY} environment variable, else unsigned)</td></tr>
 *   <tr><td>{@value #PREFIX}{@code serialization.max-depth}</td><td>how deep a Java-serialized value may nest
 *   (default 16)</td></tr>
 *   <tr><td>{@value #TLS}</td><td>true: TLS to memcached (started with {@code -Z}); default false. The
 *   {@code hibernate.cache.caspian.tls.*} keys below are the transport's {@code caspian.memcached.tls.*} ones (see
 *   {@link io.caspian.memcached.MemcachedSettings}), and are refused while {@value #TLS} is not true</td></tr>
 *   <tr><td>{@value #TLS_CA_FILE}</td><td>PEM certificates to trust (CA or self-signed)</td></tr>
 *   <tr><td>{@value #TLS_TRUST_STORE}, {@value #TLS_TRUST_STORE_PASSWORD}, {@value #TLS_TRUST_STORE_TYPE}</td><td>a
 *   trust store instead (type default PKCS12); with neither, the JDK's default trust store</td></tr>
 *   <tr><td>{@value #TLS_KEY_STORE}, {@value #TLS_KEY_STORE_PASSWORD}, {@value #TLS_KEY_STORE_TYPE}</td><td>client
 *   certificate for mutual TLS</td></tr>
 *   <tr><td>{@value #TLS_HOSTNAME_VERIFICATION}</td><td>whether each server's certificate must name it (default
 *   true)</td></tr>
 *   <tr><td>{@value #SERIALIZATION_ALLOW}</td><td>extra ObjectInputFilter patterns ({@code ;}-separated) for cached values, e.g. your domain's enum packages</td></tr>
 * </table>
 */
public record CaspianSettings(
    List<String> servers,
    String namespace,
    Duration timeout,
    String saslUsername,
    String saslPassword,
    Duration defaultExpiry,
    Map<String, Duration> regionExpiry,
    Duration lockTimeout,
    String serializationAllow,
    Duration clockMaxLag,
    Duration clockMaxSkew,
    boolean asyncCompletion,
    Map<String, String> transportSettings,
    Map<String, String> tls,
    Duration nodeTimeout) {

  public static final String PREFIX = "hibernate.cache.caspian.";
  public static final String SERVERS = PREFIX + "servers";
  public static final String NAMESPACE = PREFIX + "namespace";
  public static final String TIMEOUT = PREFIX + "timeout";
  public static final String SASL_USERNAME = PREFIX + "sasl.username";
  public static final String SASL_PASSWORD = PREFIX + "sasl.password";
  public static final String EXPIRY = PREFIX + "expiry";
  public static final String REGION_PREFIX = PREFIX + "region.";
  public static final String LOCK_TIMEOUT = PREFIX + "lock_timeout";
  /**
   * Seconds after its last heartbeat at which a node's promise runs out; found so, and still so half of it later,
   * the node counts as ended at that moment, its soft locks and table leases with it (0: no heartbeats; a crashed
   * node's locks then last {@value #LOCK_TIMEOUT}). See {@link NodeLiveness}.
   */
  public static final String NODE_TIMEOUT = PREFIX + "node_timeout";
  public static final String SERIALIZATION_ALLOW = PREFIX + "serialization.allow";
  public static final String CLOCK_MAX_LAG = PREFIX + "clock.max_lag";
  public static final String CLOCK_MAX_SKEW = PREFIX + "clock.max_skew";
  public static final String ASYNC_COMPLETION = PREFIX + "async_completion";
  public static final String TLS = PREFIX + "tls";
  public static final String TLS_CA_FILE = TLS + ".ca_file";
  public static final String TLS_TRUST_STORE = TLS + ".trust_store";
  public static final String TLS_TRUST_STORE_PASSWORD = TLS + ".trust_store_password";
  public static final String TLS_TRUST_STORE_TYPE = TLS + ".trust_store_type";
  public static final String TLS_KEY_STORE = TLS + ".key_store";
  public static final String TLS_KEY_STORE_PASSWORD = TLS + ".key_store_password";
  public static final String TLS_KEY_STORE_TYPE = TLS + ".key_store_type";
  public static final String TLS_HOSTNAME_VERIFICATION = TLS + ".hostname_verification";
  /** Each Hibernate TLS key and the transport key it sets. */
  private static final Map<String, String> TLS_KEYS = Map.of(
      TLS_CA_FILE, MemcachedSettings.TLS_CA_FILE,
      TLS_TRUST_STORE, MemcachedSettings.TLS_TRUST_STORE,
      TLS_TRUST_STORE_PASSWORD, MemcachedSettings.TLS_TRUST_STORE_PASSWORD,
      TLS_TRUST_STORE_TYPE, MemcachedSettings.TLS_TRUST_STORE_TYPE,
      TLS_KEY_STORE, MemcachedSettings.TLS_KEY_STORE,
      TLS_KEY_STORE_PASSWORD, MemcachedSettings.TLS_KEY_STORE_PASSWORD,
      TLS_KEY_STORE_TYPE, MemcachedSettings.TLS_KEY_STORE_TYPE,
      TLS_HOSTNAME_VERIFICATION, MemcachedSettings.TLS_HOSTNAME_VERIFICATION);
  public static final String DEFAULT_NAMESPACE = "hibernate";
  /**
   * A lagging caching timestamp is always on the safe side (newer entries are misses, never the reverse), and under
   * load entry reads refresh it every few milliseconds, so the lag only bounds how old it may be after a quiet spell.
   */
  public static final long DEFAULT_CLOCK_MAX_LAG_MILLIS = 1000;

  /**
   * Classes region entries contain beyond the JDK value types the transport admits itself: Caspian's state records
   * and the few Hibernate classes cache entries are made of (entity and collection entries, a query's cached result,
   * the markers of unfetched lazy properties and back references), not {@code org.hibernate.**} (some two thousand
   * serializable classes). Caspian's records and Hibernate's entity and collection entries are written in the compact
   * format, without Java serialization; these names are for values earlier versions wrote, for a node whose cache
   * manager lacks the adapters, and for the query cache. Each of Caspian's packages is named on its own ({@code .*}
   * admits one package's classes, not its sub-packages).
   */
  static final String BUILT_IN_ALLOW = "io.caspian.hibernate.*;io.caspian.hibernate.protocol.*;"
      + "org.hibernate.cache.spi.entry.StandardCacheEntryImpl;org.hibernate.cache.spi.entry.CollectionCacheEntry;"
      + "org.hibernate.cache.internal.QueryResultsCacheImpl$CacheItem;"
      + "org.hibernate.bytecode.enhance.spi.LazyPropertyInitializer$1;"
      + "org.hibernate.property.access.internal.PropertyAccessStrategyBackRefImpl$1";

  /**
   * Settings handed to the transport under their {@code caspian.*} names: {@value #PREFIX}{@code security.key} is
   * {@code caspian.security.key}, and so on.
   */
  static final List<String> TRANSPORT_KEYS = List.of("security.key", "security.key-file", "security.previous-key",
      "security.previous-key-file", "security.accept-unsigned", "serialization.max-depth");

  public CaspianSettings {
    servers = List.copyOf(servers);
    transportSettings = Map.copyOf(transportSettings);
    regionExpiry = Map.copyOf(regionExpiry);
    tls = Map.copyOf(tls);
    Objects.requireNonNull(namespace);
    Objects.requireNonNull(timeout);
    Objects.requireNonNull(defaultExpiry);
    Objects.requireNonNull(lockTimeout);
    Objects.requireNonNull(nodeTimeout);
  }

  /** Parses Hibernate's configuration values; every problem is a {@link CacheException} naming the setting. */
  public static CaspianSettings from(Map<String, ?> config) {
    String servers = string(config, SERVERS);
    if (servers == null || servers.isBlank()) {
      throw new CacheException(SERVERS + " is required: the memcached servers as host:port[,host:port...]");
    }
    String namespace = string(config, NAMESPACE);
    namespace = namespace == null || namespace.isBlank() ? derivedNamespace(config) : namespace.trim();
    if (!namespace.matches("[A-Za-z0-9._-]+")) {
      throw new CacheException(NAMESPACE + " must match [A-Za-z0-9._-]+, got '" + namespace + "'");
    }
    Duration lockTimeout = Duration.ofSeconds(positiveLong(config, LOCK_TIMEOUT, 60));
    Duration defaultExpiry = Duration.ofSeconds(nonNegativeLong(config, EXPIRY, 0));
    Map<String, Duration> regionExpiry = new java.util.HashMap<>();
    for (Map.Entry<String, ?> entry : config.entrySet()) {
      String key = entry.getKey();
      if (key.startsWith(REGION_PREFIX) && key.endsWith(".expiry")) {
        String region = key.substring(REGION_PREFIX.length(), key.length() - ".expiry".length());
        regionExpiry.put(region, Duration.ofSeconds(nonNegativeLong(config, key, 0)));
      }
    }
    CaspianSettings settings = new CaspianSettings(
        parseServers(servers),
        namespace,
        Duration.ofMillis(positiveLong(config, TIMEOUT, 500)),
        string(config, SASL_USERNAME),
        string(config, SASL_PASSWORD),
        defaultExpiry,
        regionExpiry,
        lockTimeout,
        string(config, SERIALIZATION_ALLOW),
        Duration.ofMillis(nonNegativeLong(config, CLOCK_MAX_LAG, DEFAULT_CLOCK_MAX_LAG_MILLIS)),
        Duration.ofMillis(nonNegativeLong(config, CLOCK_MAX_SKEW, 1000)),
        bool(config, ASYNC_COMPLETION, true),
        transportSettings(config),
        tls(config),
        Duration.ofSeconds(nonNegativeLong(config, NODE_TIMEOUT, 10)));
    settings.checkExpiriesOutliveLocks();
    settings.checkNodeTimeout();
    return settings;
  }

  /**
   * The namespace when none is configured: the SessionFactory's or persistence unit's name (JPA's {@code default}
   * names nothing), so that two applications on one memcached do not share entries by default; else
   * {@value #DEFAULT_NAMESPACE}. Said once at INFO, with the setting that overrides it.
   */
  static String derivedNamespace(Map<String, ?> config) {
    for (String key : List.of("hibernate.session_factory_name", "hibernate.persistenceUnitName")) {
      String name = string(config, key);
      if (name == null) {
        continue;
      }
      String safe = name.replaceAll("[^A-Za-z0-9._-]", "-");
      if (!safe.isBlank() && !safe.equals("default") && !safe.matches("-+")) {
        System.getLogger(CaspianSettings.class.getName()).log(System.Logger.Level.INFO, () -> "memcached namespace '"
            + safe + "' (from " + key + "); set " + NAMESPACE + " to choose another");
        return safe;
      }
    }
    System.getLogger(CaspianSettings.class.getName()).log(System.Logger.Level.INFO, () -> "memcached namespace '"
        + DEFAULT_NAMESPACE + "' (the default: no SessionFactory or persistence unit name); applications sharing a"
        + " memcached pool must set " + NAMESPACE + " apart");
    return DEFAULT_NAMESPACE;
  }

  private static Map<String, String> transportSettings(Map<String, ?> config) {
    Map<String, String> transport = new java.util.HashMap<>();
    for (String key : TRANSPORT_KEYS) {
      String value = string(config, PREFIX + key);
      if (value != null && !value.isEmpty()) {
        transport.put("caspian." + key, value);
      }
    }
    return transport;
  }

  /** The transport's TLS properties ({@code caspian.memcached.tls*}), empty for plain text. */
  private static Map<String, String> tls(Map<String, ?> config) {
    boolean on = bool(config, TLS, false);
    Map<String, String> tls = new java.util.HashMap<>();
    for (Map.Entry<String, String> key : TLS_KEYS.entrySet()) {
      String value = string(config, key.getKey());
      if (value == null || value.isEmpty()) {
        continue;
      }
      if (!on) {
        throw new CacheException(key.getKey() + " is set but " + TLS + " is not true: set " + TLS
            + "=true to encrypt the connections to memcached, or remove " + key.getKey());
      }
      tls.put(key.getValue(), value);
    }
    if (on) {
      tls.put(MemcachedSettings.TLS, "true");
    }
    return tls;
  }

  static List<String> parseServers(String value) {
    List<String> servers = new ArrayList<>();
    for (String part : value.split(",")) {
      String server = part.trim();
      int colon = server.lastIndexOf(':');
      if (colon <= 0 || colon == server.length() - 1) {
        throw new CacheException(SERVERS + ": '" + server + "' is not host:port (in '" + value + "')");
      }
      int port;
      try {
        port = Integer.parseInt(server.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new CacheException(SERVERS + ": '" + server + "' has no numeric port (in '" + value + "')");
      }
      if (port < 1 || port > 65535) {
        throw new CacheException(SERVERS + ": port out of range in '" + server + "'");
      }
      servers.add(server);
    }
    return servers;
  }

  /** An entry (in particular a soft lock) must not expire before its lock times out, or a lock could vanish. */
  private void checkExpiriesOutliveLocks() {
    check(EXPIRY, defaultExpiry);
    regionExpiry.forEach((region, expiry) -> check(REGION_PREFIX + region + ".expiry", expiry));
  }

  /**
   * A node trusts its own heartbeat for half the node timeout while the others judge it by their clocks, which may
   * run ahead of its own by up to the clock skew: below twice the skew a live node could be judged ended.
   */
  private void checkNodeTimeout() {
    if (!nodeTimeout.isZero() && nodeTimeout.compareTo(clockMaxSkew.multipliedBy(4)) < 0) {
      throw new CacheException(NODE_TIMEOUT + " (" + nodeTimeout.toSeconds() + "s) must be 0 (no heartbeats) or at"
          + " least 4 x " + CLOCK_MAX_SKEW + " (" + clockMaxSkew.toMillis() + " ms)");
    }
  }

  private void check(String key, Duration expiry) {
    if (!expiry.isZero() && expiry.compareTo(lockTimeout) < 0) {
      throw new CacheException(key + " (" + expiry.toSeconds() + "s) must be 0 (none) or at least "
          + LOCK_TIMEOUT + " (" + lockTimeout.toSeconds() + "s): a soft lock must not expire while held");
    }
  }

  /** Expiry for a region: its own setting, else the default; zero means none. */
  public Duration expiryOf(String regionName) {
    return regionExpiry.getOrDefault(regionName, defaultExpiry);
  }

  /** The Caspian JCache CacheManager URI, {@code memcached://host:port[,host:port]/namespace}. */
  public java.net.URI cacheManagerUri() {
    return java.net.URI.create("memcached://" + String.join(",", servers) + "/" + namespace);
  }

  /** The Caspian JCache CacheManager properties. */
  public Properties cacheManagerProperties() {
    Properties properties = new Properties();
    properties.setProperty("caspian.memcached.timeout", Long.toString(timeout.toMillis()));
    properties.setProperty("caspian.namespace", namespace);
    if (saslUsername != null) {
      properties.setProperty("caspian.memcached.sasl.username", saslUsername);
    }
    if (saslPassword != null) {
      properties.setProperty("caspian.memcached.sasl.password", saslPassword);
    }
    String allow = serializationAllow == null || serializationAllow.isBlank()
        ? BUILT_IN_ALLOW
        : BUILT_IN_ALLOW + ";" + serializationAllow;
    properties.setProperty("caspian.serialization.allow", allow);
    transportSettings.forEach(properties::setProperty);
    tls.forEach(properties::setProperty);
    // region entries and keys in the compact format rather than Java serialization
    properties.put(TypeAdapters.PROPERTY, CaspianTypeAdapters.ALL);
    return properties;
  }

  @Override
  public String toString() {
    // never print the password
    return "CaspianSettings[servers=" + servers + ", namespace=" + namespace + ", timeout=" + timeout
        + ", sasl=" + (saslUsername != null) + ", defaultExpiry=" + defaultExpiry + ", regionExpiry=" + regionExpiry
        + ", lockTimeout=" + lockTimeout + ", nodeTimeout=" + nodeTimeout + ", tls=" + !tls.isEmpty() + "]";
  }

  private static String string(Map<String, ?> config, String key) {
    Object value = config.get(key);
    return value == null ? null : value.toString().trim();
  }

  private static boolean bool(Map<String, ?> config, String key, boolean fallback) {
    String value = string(config, key);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new CacheException(key + " must be true or false, got '" + value + "'");
  }

  private static long nonNegativeLong(Map<String, ?> config, String key, long fallback) {
    String value = string(config, key);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value);
      if (parsed < 0) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new CacheException(key + " must be a non-negative integer, got '" + value + "'");
    }
  }

  private static long positiveLong(Map<String, ?> config, String key, long fallback) {
    long value = nonNegativeLong(config, key, fallback);
    if (value == 0) {
      throw new CacheException(key + " must be positive");
    }
    return value;
  }
}
