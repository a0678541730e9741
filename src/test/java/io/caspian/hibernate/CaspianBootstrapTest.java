package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.hibernate.domain.Item;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.boot.registry.selector.spi.StrategySelector;
import org.hibernate.cache.spi.RegionFactory;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.Test;

/** Bootstrap behaviour that needs no memcached. */
class CaspianBootstrapTest {

  @Test
  void shortNameResolvesThroughTheStrategyRegistration() {
    try (var registry = new StandardServiceRegistryBuilder().build()) {
      Class<?> resolved = registry.requireService(StrategySelector.class).selectStrategyImplementor(RegionFactory.class, "caspian");
      assertSame(CaspianRegionFactory.class, resolved);
    }
  }

  @Test
  void missingServersIsAClearBootstrapError() {
    Throwable error = assertThrows(Exception.class, () -> build(null));
    assertTrue(chainMentions(error, CaspianSettings.SERVERS + " is required"), () -> describe(error));
  }

  @Test
  void malformedServersIsAClearBootstrapError() {
    Throwable error = assertThrows(Exception.class, () -> build("localhost"));
    assertTrue(chainMentions(error, "'localhost' is not host:port"), () -> describe(error));
  }

  private static void build(String servers) {
    Configuration configuration = new Configuration()
        .addAnnotatedClass(Item.class)
        .setProperty("hibernate.connection.url", "jdbc:h2:mem:bootstrap")
        .setProperty("hibernate.cache.region.factory_class", "caspian")
        .setProperty("hibernate.cache.use_second_level_cache", "true");
    if (servers != null) {
      configuration.setProperty(CaspianSettings.SERVERS, servers);
    }
    configuration.buildSessionFactory().close();
  }

  static boolean chainMentions(Throwable error, String text) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains(text)) {
        return true;
      }
    }
    return false;
  }

  static String describe(Throwable error) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = error; t != null; t = t.getCause()) {
      out.append(t).append('\n');
    }
    return out.toString();
  }
}
