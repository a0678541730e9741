package io.caspian.versions;

import org.hibernate.cfg.Configuration;

/**
 * Builds a SessionFactory with Caspian's region factory and prints how it went; run by {@link HibernateVersionGateIT}
 * on Hibernate 6.6's class path (it uses only API that 6.6 and 7.x share).
 */
public final class StartOnHibernate66 {
  private StartOnHibernate66() {}

  public static void main(String[] args) {
    System.out.println("HIBERNATE " + org.hibernate.Version.getVersionString());
    try {
      // a cached entity: without one, Hibernate 6.6 never starts the region factory
      new Configuration()
          .addAnnotatedClass(io.caspian.hibernate.domain.Item.class)
          .setProperty("hibernate.connection.url", "jdbc:h2:mem:gate;DB_CLOSE_DELAY=-1")
          .setProperty("hibernate.cache.use_second_level_cache", "true")
          .setProperty("hibernate.cache.region.factory_class", "caspian")
          .setProperty("hibernate.cache.caspian.servers", args[0])
          .buildSessionFactory()
          .close();
      System.out.println("STARTED");
    } catch (Throwable t) {
      Throwable root = t;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      System.out.println("FAILED " + root.getClass().getName() + ": " + root.getMessage());
    }
  }
}
