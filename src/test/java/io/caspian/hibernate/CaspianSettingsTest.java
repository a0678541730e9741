package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.hibernate.protocol.CachedItem;
import io.caspian.hibernate.protocol.LockId;
import io.caspian.hibernate.protocol.SoftLockState;
import io.caspian.hibernate.protocol.Stamped;
import io.caspian.hibernate.protocol.TableState;
import io.caspian.memcached.codec.SerializationFilter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.cache.CacheException;
import org.junit.jupiter.api.Test;

class CaspianSettingsTest {
  private static Map<String, Object> config(String... pairs) {
    Map<String, Object> config = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      config.put(pairs[i], pairs[i + 1]);
    }
    return config;
  }

  @Test
  void defaults() {
    CaspianSettings settings = CaspianSettings.from(config(CaspianSettings.SERVERS, "a:1, b:2"));
    assertEquals(List.of("a:1", "b:2"), settings.servers());
    assertEquals("hibernate", settings.namespace());
    assertEquals(Duration.ofMillis(500), settings.timeout());
    assertEquals(Duration.ofSeconds(60), settings.lockTimeout());
    assertEquals(Duration.ZERO, settings.expiryOf("any"));
    assertEquals("memcached://a:1,b:2/hibernate", settings.cacheManagerUri().toString());
  }

  @Test
  void theNamespaceDefaultsToTheSessionFactoryOrPersistenceUnitName() {
    assertEquals("orders", CaspianSettings.from(config(CaspianSettings.SERVERS, "a:1",
        "hibernate.persistenceUnitName", "orders")).namespace());
    assertEquals("billing", CaspianSettings.from(config(CaspianSettings.SERVERS, "a:1",
        "hibernate.session_factory_name", "billing", "hibernate.persistenceUnitName", "orders")).namespace());
    assertEquals("hibernate", CaspianSettings.from(config(CaspianSettings.SERVERS, "a:1",
        "hibernate.persistenceUnitName", "default")).namespace(), "JPA's default name names nothing");
    assertEquals("my-unit-1", CaspianSettings.from(config(CaspianSettings.SERVERS, "a:1",
        "hibernate.persistenceUnitName", "my unit/1")).namespace());
    assertEquals("set", CaspianSettings.from(config(CaspianSettings.SERVERS, "a:1", CaspianSettings.NAMESPACE, "set",
        "hibernate.persistenceUnitName", "orders")).namespace(), "an explicit namespace wins");
  }

  @Test
  void everySetting() {
    CaspianSettings settings = CaspianSettings.from(config(
        CaspianSettings.SERVERS, "127.0.0.1:11211",
        CaspianSettings.NAMESPACE, "shop",
        CaspianSettings.TIMEOUT, "250",
        CaspianSettings.SASL_USERNAME, "u",
        CaspianSettings.SASL_PASSWORD, "secret",
        CaspianSettings.EXPIRY, "3600",
        CaspianSettings.REGION_PREFIX + "com.shop.Item.expiry", "120",
        CaspianSettings.LOCK_TIMEOUT, "30",
        CaspianSettings.SERIALIZATION_ALLOW, "com.shop.**"));
    assertEquals(Duration.ofSeconds(120), settings.expiryOf("com.shop.Item"));
    assertEquals(Duration.ofSeconds(3600), settings.expiryOf("other"));
    var properties = settings.cacheManagerProperties();
    assertEquals("250", properties.getProperty("caspian.memcached.timeout"));
    assertEquals("shop", properties.getProperty("caspian.namespace"));
    assertEquals("u", properties.getProperty("caspian.memcached.sasl.username"));
    assertEquals("secret", properties.getProperty("caspian.memcached.sasl.password"));
    assertTrue(properties.getProperty("caspian.serialization.allow").endsWith(";com.shop.**"));
    assertTrue(properties.getProperty("caspian.serialization.allow").startsWith("io.caspian.hibernate.*;io.caspian.hibernate.protocol.*;"
        + "org.hibernate.cache.spi.entry.StandardCacheEntryImpl;"));
    assertFalse(settings.toString().contains("secret"));
  }

  @Test
  void theAllowListAdmitsCaspiansOwnStateRecordsInEveryPackageButNoOtherClass() {
    var allowed = SerializationFilter.classNames(CaspianSettings.BUILT_IN_ALLOW);
    for (Class<?> type : List.of(CaspianCacheKey.class, MappedValue.class, Stamped.class, CachedItem.class,
        SoftLockState.class, SoftLockState.Lease.class, LockId.class, TableState.class)) {
      assertTrue(allowed.test(type.getName()), type.getName());
    }
    assertFalse(allowed.test("io.caspian.hibernate.domain.Item"), "a sub-package only when named");
    assertFalse(allowed.test("io.caspian.jcache.CaspianCacheManager"));
  }

  @Test
  void theNodeTimeoutDefaultsToTenSecondsAndMustOutlastTheClockSkew() {
    assertEquals(Duration.ofSeconds(10), CaspianSettings.from(config(CaspianSettings.SERVERS, "a:1")).nodeTimeout());
    assertEquals(Duration.ZERO, CaspianSettings.from(config(CaspianSettings.SERVERS, "a:1",
        CaspianSettings.NODE_TIMEOUT, "0")).nodeTimeout(), "0 turns heartbeats off");
    assertMessage("at least 4 x " + CaspianSettings.CLOCK_MAX_SKEW,
        config(CaspianSettings.SERVERS, "a:1", CaspianSettings.NODE_TIMEOUT, "3"));
    assertEquals(Duration.ofSeconds(2), CaspianSettings.from(config(CaspianSettings.SERVERS, "a:1",
        CaspianSettings.NODE_TIMEOUT, "2", CaspianSettings.CLOCK_MAX_SKEW, "500")).nodeTimeout());
  }

  @Test
  void serversAreRequiredAndValidated() {
    assertMessage(CaspianSettings.SERVERS + " is required", config());
    assertMessage("not host:port", config(CaspianSettings.SERVERS, "localhost"));
    assertMessage("no numeric port", config(CaspianSettings.SERVERS, "a:1,b:x"));
    assertMessage("port out of range", config(CaspianSettings.SERVERS, "a:70000"));
  }

  @Test
  void numbersAndNamespaceAreValidated() {
    assertMessage(CaspianSettings.TIMEOUT + " must be a non-negative integer",
        config(CaspianSettings.SERVERS, "a:1", CaspianSettings.TIMEOUT, "soon"));
    assertMessage(CaspianSettings.LOCK_TIMEOUT + " must be positive",
        config(CaspianSettings.SERVERS, "a:1", CaspianSettings.LOCK_TIMEOUT, "0"));
    assertMessage(CaspianSettings.NAMESPACE + " must match",
        config(CaspianSettings.SERVERS, "a:1", CaspianSettings.NAMESPACE, "a b"));
  }

  @Test
  void expiryShorterThanTheLockTimeoutIsRefused() {
    assertMessage("a soft lock must not expire while held",
        config(CaspianSettings.SERVERS, "a:1", CaspianSettings.EXPIRY, "10"));
    assertMessage(CaspianSettings.REGION_PREFIX + "r.expiry (5s)",
        config(CaspianSettings.SERVERS, "a:1", CaspianSettings.REGION_PREFIX + "r.expiry", "5"));
  }

  private static void assertMessage(String expected, Map<String, Object> config) {
    CacheException e = assertThrows(CacheException.class, () -> CaspianSettings.from(config));
    assertTrue(e.getMessage().contains(expected), () -> e.getMessage() + " should contain " + expected);
  }
}
