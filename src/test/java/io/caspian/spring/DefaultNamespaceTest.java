package io.caspian.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.caspian.memcached.MemcachedSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.DefaultResourceLoader;

/** Two Spring applications on one memcached get apart namespaces without configuring one. */
class DefaultNamespaceTest {
  private static String namespace(Map<String, Object> properties) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
    return CaspianEnvironment.cacheManagerProperties(environment, new DefaultResourceLoader())
        .getProperty(MemcachedSettings.NAMESPACE);
  }

  @Test
  void theApplicationNameIsTheHibernateRegionsDefaultNamespaceToo() {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new MapPropertySource("test",
        Map.of("spring.application.name", "orders")));
    Map<String, Object> hibernate = new java.util.HashMap<>(Map.of("hibernate.cache.region.factory_class", "caspian"));
    BootHooks.defaultHibernateNamespace(environment, hibernate);
    assertEquals("orders", hibernate.get("hibernate.cache.caspian.namespace"));

    Map<String, Object> configured = new java.util.HashMap<>(Map.of("hibernate.cache.region.factory_class", "caspian",
        "hibernate.cache.caspian.namespace", "set"));
    BootHooks.defaultHibernateNamespace(environment, configured);
    assertEquals("set", configured.get("hibernate.cache.caspian.namespace"));

    Map<String, Object> otherCache = new java.util.HashMap<>(Map.of("hibernate.cache.region.factory_class", "jcache"));
    BootHooks.defaultHibernateNamespace(environment, otherCache);
    assertEquals(null, otherCache.get("hibernate.cache.caspian.namespace"), "only Caspian's regions");
  }

  @Test
  void theApplicationNameIsTheDefaultNamespace() {
    assertEquals("orders", namespace(Map.of("spring.application.name", "orders")));
    assertEquals("order-service", namespace(Map.of("spring.application.name", "order service")));
    assertEquals("caspian", namespace(Map.of()));
    assertEquals("set", namespace(Map.of("spring.application.name", "orders", "caspian.namespace", "set")));
  }
}
