package io.caspian.spring.jpa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.caspian.testing.MemcachedExtension;
import io.caspian.hibernate.CaspianRegionFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.time.Duration;
import java.util.List;
import org.hibernate.SessionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
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
    String namespace = "spring-jpa-" + System.nanoTime();
    String[] args = List.of(
        "spring.main.banner-mode=off",
        // no spring.datasource.url: an embedded H2 of a unique name (no connection pool on the test class path)
        "spring.jpa.hibernate.ddl-auto=create-drop",
        "spring.jpa.properties.hibernate.cache.use_second_level_cache=true",
        "spring.jpa.properties.hibernate.cache.region.factory_class=caspian",
        "spring.jpa.properties.hibernate.cache.caspian.servers=" + memcached.addresses(),
        "spring.jpa.properties.hibernate.cache.caspian.namespace=" + namespace,
        "spring.jpa.properties.hibernate.cache.use_query_cache=true",
        "spring.jpa.properties.hibernate.generate_statistics=true")
        .stream().map(p -> "--" + p).toArray(String[]::new);
    try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
        .web(WebApplicationType.NONE).run(args)) {
      EntityManagerFactory emf = context.getBean(EntityManagerFactory.class);
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      double before = registry.get("caspian.round.trips").tag("client", "hibernate").functionCounter().count();
      CaspianRegionFactory factory = (CaspianRegionFactory) emf.unwrap(SessionFactoryImplementor.class).getCache()
          .getRegionFactory();
      // the region's own meters, as Hibernate sees the region
      Tags region = Tags.of("client", "hibernate", "cache", Note.class.getName());
      inTransaction(emf, em -> em.persist(new Note(1L, "first")));
      assertTrue(factory.awaitCompletions(Duration.ofSeconds(30)));
      assertEquals(1.0, registry.get("caspian.cache.puts").tags(region).functionCounter().count(),
          "the insert, published at its completion");
      emf.unwrap(SessionFactory.class).getCache().evictAllRegions();
      // persist read the region too (is the entity transient?), which Hibernate's statistics leave out
      double misses = registry.get("caspian.cache.misses").tags(region).functionCounter().count();
      inTransaction(emf, em -> assertEquals("first", em.find(Note.class, 1L).getText())); // miss, then cached
      assertEquals(misses + 1, registry.get("caspian.cache.misses").tags(region).functionCounter().count());
      assertEquals(2.0, registry.get("caspian.cache.puts").tags(region).functionCounter().count(), "the load");
      assertEquals(0.0, registry.get("caspian.cache.hits").tags(region).functionCounter().count());
      inTransaction(emf, em -> assertEquals("first", em.find(Note.class, 1L).getText())); // hit
      assertEquals(1, emf.unwrap(SessionFactory.class).getStatistics().getSecondLevelCacheHitCount());
      assertEquals(1.0, registry.get("caspian.cache.hits").tags(region).functionCounter().count());
      assertTrue(registry.get("caspian.round.trips").tag("client", "hibernate").functionCounter().count() > before);
      for (String name : List.of("caspian.hibernate.lost.locks", "caspian.hibernate.server.restarts",
          "caspian.hibernate.mapping.mismatches", "caspian.hibernate.abandoned.locks",
          "caspian.hibernate.ended.node.locks", "caspian.hibernate.node.identity.renewals",
          "caspian.hibernate.retried.releases", "caspian.cas.conflicts",
          "caspian.cas.gave.up", "caspian.transport.failures", "caspian.transport.timeouts",
          "caspian.fail.open.skips", "caspian.values.rejected", "caspian.values.tampered")) {
        assertEquals(0.0, registry.get(name).tag("client", "hibernate").functionCounter().count(), name);
      }
      assertTrue(registry.get("caspian.round.trip").tag("client", "hibernate").functionTimer().count() > 0);

      emf.unwrap(SessionFactory.class).getCache().evictEntityData(Note.class, 1L);
      assertEquals(1.0, registry.get("caspian.cache.removals").tags(region).functionCounter().count(),
          "one key evicted");

      // a query-results region Hibernate creates on its first use, after the meters were bound
      inTransaction(emf, em -> em.createQuery("select n from Note n", Note.class)
          .setHint("org.hibernate.cacheable", true).setHint("org.hibernate.cacheRegion", "notes-query")
          .getResultList());
      assertEquals(1.0, registry.get("caspian.cache.misses").tags("client", "hibernate", "cache", "notes-query")
          .functionCounter().count());

      // the manager tag names the servers the region factory's client uses
      assertEquals("memcached://" + memcached.addresses() + "/" + namespace + "?factory=",
          registry.get("caspian.round.trips").tag("client", "hibernate").functionCounter().getId().getTag("manager")
              .replaceAll("factory=\\d+$", "factory="));
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
