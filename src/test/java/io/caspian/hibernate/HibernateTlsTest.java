package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.hibernate.domain.Item;
import io.caspian.memcached.MemcachedSettings;
import io.caspian.testing.MemcachedProcess;
import io.caspian.testing.TestCertificates;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.hibernate.SessionFactory;
import org.hibernate.cache.CacheException;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.Test;

/** A SessionFactory whose second-level cache talks TLS to {@code memcached -Z}, set up with Hibernate keys only. */
class HibernateTlsTest {
  @Test
  void anEntityIsCachedAndHitOverTls() {
    TestCertificates certificates = TestCertificates.create();
    try (MemcachedProcess server = MemcachedProcess.startTls(
        certificates.server("server", "IP:127.0.0.1"), List.of())) {
      try (SessionFactory factory = new Configuration()
          .addAnnotatedClass(Item.class)
          .setProperty("hibernate.connection.url", "jdbc:h2:mem:tls;DB_CLOSE_DELAY=-1")
          .setProperty("hibernate.hbm2ddl.auto", "update")
          .setProperty("hibernate.cache.use_second_level_cache", "true")
          .setProperty("hibernate.generate_statistics", "true")
          .setProperty("hibernate.cache.region.factory_class", "caspian")
          .setProperty(CaspianSettings.SERVERS, server.address())
          .setProperty(CaspianSettings.NAMESPACE, "tls")
          .setProperty(CaspianSettings.TLS, "true")
          .setProperty(CaspianSettings.TLS_CA_FILE, certificates.ca().toString())
          .buildSessionFactory()) {
        factory.inTransaction(s -> s.persist(new Item(1L, "c1", "over tls")));
        Completions.await(factory);
        factory.getCache().evictEntityData(); // the next read loads from H2 and caches it
        assertEquals("over tls", factory.fromTransaction(s -> s.find(Item.class, 1L)).getName());
        long hits = factory.getStatistics().getSecondLevelCacheHitCount();
        assertEquals("over tls", factory.fromTransaction(s -> s.find(Item.class, 1L)).getName());
        assertEquals(hits + 1, factory.getStatistics().getSecondLevelCacheHitCount(), "served from memcached");
        assertTrue(factory.getCache().containsEntity(Item.class, 1L));
      }
    }
  }

  @Test
  void tlsKeysMapOntoTheTransportAndNeedTlsOn() {
    Map<String, Object> config = Map.of(CaspianSettings.SERVERS, "127.0.0.1:1",
        CaspianSettings.TLS, "true",
        CaspianSettings.TLS_TRUST_STORE, "/t.p12",
        CaspianSettings.TLS_TRUST_STORE_PASSWORD, "tp",
        CaspianSettings.TLS_TRUST_STORE_TYPE, "JKS",
        CaspianSettings.TLS_KEY_STORE, "/k.p12",
        CaspianSettings.TLS_KEY_STORE_PASSWORD, "kp",
        CaspianSettings.TLS_KEY_STORE_TYPE, "PKCS12",
        CaspianSettings.TLS_HOSTNAME_VERIFICATION, "false");
    Properties properties = CaspianSettings.from(config).cacheManagerProperties();
    assertEquals("true", properties.getProperty(MemcachedSettings.TLS));
    assertEquals("/t.p12", properties.getProperty(MemcachedSettings.TLS_TRUST_STORE));
    assertEquals("tp", properties.getProperty(MemcachedSettings.TLS_TRUST_STORE_PASSWORD));
    assertEquals("JKS", properties.getProperty(MemcachedSettings.TLS_TRUST_STORE_TYPE));
    assertEquals("/k.p12", properties.getProperty(MemcachedSettings.TLS_KEY_STORE));
    assertEquals("kp", properties.getProperty(MemcachedSettings.TLS_KEY_STORE_PASSWORD));
    assertEquals("PKCS12", properties.getProperty(MemcachedSettings.TLS_KEY_STORE_TYPE));
    assertEquals("false", properties.getProperty(MemcachedSettings.TLS_HOSTNAME_VERIFICATION));
    assertTrue(!CaspianSettings.from(config).toString().contains("tp"), "no password printed");

    assertEquals("/ca.pem", CaspianSettings.from(Map.of(CaspianSettings.SERVERS, "h:1", CaspianSettings.TLS, "true",
        CaspianSettings.TLS_CA_FILE, "/ca.pem")).cacheManagerProperties().getProperty(MemcachedSettings.TLS_CA_FILE));
    assertEquals(null, CaspianSettings.from(Map.of(CaspianSettings.SERVERS, "h:1")).cacheManagerProperties()
        .getProperty(MemcachedSettings.TLS));
    CacheException e = assertThrows(CacheException.class, () -> CaspianSettings.from(Map.of(
        CaspianSettings.SERVERS, "h:1", CaspianSettings.TLS_CA_FILE, "/ca.pem")));
    assertTrue(e.getMessage().contains(CaspianSettings.TLS + " is not true"), e.getMessage());
    assertThrows(CacheException.class, () -> CaspianSettings.from(Map.of(
        CaspianSettings.SERVERS, "h:1", CaspianSettings.TLS, "yes")));
  }
}
