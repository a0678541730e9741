package io.caspian.hibernate.coverage;

import io.caspian.hibernate.CaspianSettings;
import org.hibernate.cfg.Configuration;

/** The configuration every coverage test's nodes share: the domain of this package, H2 by name, Caspian on memcached. */
final class CoverageNodes {
  private CoverageNodes() {}

  /** Nodes built from the same {@code database} and {@code namespace} share the database and the cache. */
  static Configuration caspian(String servers, String database, String namespace) {
    return new Configuration()
        .addAnnotatedClass(Author.class).addAnnotatedClass(Book.class).addAnnotatedClass(Country.class)
        .addAnnotatedClass(Vehicle.class).addAnnotatedClass(Car.class).addAnnotatedClass(Bike.class)
        .addAnnotatedClass(OrderLine.class)
        .setProperty("hibernate.connection.url", "jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1")
        .setProperty("hibernate.hbm2ddl.auto", "update")
        .setProperty("hibernate.cache.use_second_level_cache", "true")
        .setProperty("hibernate.cache.use_query_cache", "true")
        .setProperty("hibernate.generate_statistics", "true")
        .setProperty("hibernate.cache.region.factory_class", "caspian")
        .setProperty(CaspianSettings.SERVERS, servers)
        .setProperty(CaspianSettings.NAMESPACE, namespace)
        .setProperty(CaspianSettings.SERIALIZATION_ALLOW, "io.caspian.hibernate.coverage.*");
  }
}
