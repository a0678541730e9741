package io.caspian.spring.jpa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.caspian.testing.MemcachedExtension;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.util.List;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Hibernate through Spring Boot's JPA auto-configuration with Caspian as the region factory (set only through
 * {@code spring.jpa.properties.hibernate.cache.*}): the region factory's meters are registered and move. Boot 4
 * only: Boot 3.5's JPA auto-configuration targets Hibernate 6.6.
 */
class SpringJpaTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  @Test
  void regionFactoryMetersThroughBootsJpa() throws Exception {
    assumeTrue(SpringBootVersion.getVersion().startsWith("4."), "Boot 3.5's JPA support runs Hibernate 6.6");
    String[] args = List.of(
        "spring.main.banner-mode=off",
        // no spring.datasource.url: an embedded H2 of a unique name (no connection pool on the test class path)
        "spring.jpa.hibernate.ddl-auto=create-drop",
        "spring.jpa.properties.hibernate.cache.use_second_level_cache=true",
        "spring.jpa.properties.hibernate.cache.region.factory_class=caspian",
        "spring.jpa.properties.hibernate.cache.caspian.servers=" + memcached.addresses(),
        "spring.jpa.properties.hibernate.cache.caspian.namespace=spring-jpa-" + System.nanoTime(),
        "spring.jpa.properties.hibernate.generate_statistics=true")
        .stream().map(p -> "--" + p).toArray(String[]::new);
    try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
        .web(WebApplicationType.NONE).run(args)) {
      EntityManagerFactory emf = context.getBean(EntityManagerFactory.class);
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      double before = registry.get("caspian.round.trips").tag("client", "hibernate").functionCounter().count();
      inTransaction(emf, em -> em.persist(new Note(1L, "first")));
      emf.unwrap(SessionFactory.class).getCache().evictAllRegions();
      inTransaction(emf, em -> assertEquals("first", em.find(Note.class, 1L).getText())); // miss, then cached
      inTransaction(emf, em -> assertEquals("first", em.find(Note.class, 1L).getText())); // hit
      assertEquals(1, emf.unwrap(SessionFactory.class).getStatistics().getSecondLevelCacheHitCount());

      assertTrue(registry.get("caspian.round.trips").tag("client", "hibernate").functionCounter().count() > before);
      for (String name : List.of("caspian.hibernate.lost.locks", "caspian.hibernate.server.restarts",
          "caspian.hibernate.mapping.mismatches", "caspian.cas.conflicts", "caspian.cas.gave.up",
          "caspian.transport.failures", "caspian.values.rejected", "caspian.values.tampered")) {
        assertEquals(0.0, registry.get(name).tag("client", "hibernate").functionCounter().count(), name);
      }
      assertTrue(registry.get("caspian.round.trip").tag("client", "hibernate").functionTimer().count() > 0);
    }
  }

  private static void inTransaction(EntityManagerFactory emf, java.util.function.Consumer<EntityManager> work) {
    EntityManager em = emf.createEntityManager();
    try {
      em.getTransaction().begin();
      work.accept(em);
      em.getTransaction().commit();
    } finally {
      em.close();
    }
  }
}
