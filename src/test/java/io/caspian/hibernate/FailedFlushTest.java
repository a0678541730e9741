package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.testing.MemcachedExtension;
import jakarta.persistence.Cacheable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A flush that fails after Hibernate locked keys it will never complete: Hibernate locks every collection it is
 * about to update before it executes the entity updates, and registers a lock's release only once its action has
 * executed; an entity update that fails first leaves the collections' locks behind, and their keys uncacheable
 * on every node until the lock timeout (a minute). The transaction's completion releases them.
 */
class FailedFlushTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(1);

  @Entity(name = "Basket")
  @Cacheable
  @Cache(usage = CacheConcurrencyStrategy.READ_WRITE, region = "baskets")
  public static class Basket {
    @Id Long id;
    @Column(unique = true) String code;
    @ElementCollection
    @Cache(usage = CacheConcurrencyStrategy.READ_WRITE, region = "basket-items")
    List<String> items = new ArrayList<>();

    protected Basket() {
    }

    Basket(Long id, String code, String... items) {
      this.id = id;
      this.code = code;
      this.items.addAll(List.of(items));
    }
  }

  @BeforeEach
  void needsProvider() {
    TwoNodes.assumeProvider();
  }

  private static SessionFactory node(String id) {
    return TwoNodes.caspian(id, memcached.addresses(), "flush" + id, Basket.class).buildSessionFactory();
  }

  private static long collectionHits(SessionFactory factory) {
    return factory.getStatistics().getCollectionStatistics(Basket.class.getName() + ".items").getCacheHitCount();
  }

  @Test
  void aFailedFlushLeavesNoKeyLockedUntilTheTimeout() {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    try (SessionFactory a = node(id); SessionFactory b = node(id)) {
      a.inTransaction(s -> {
        s.persist(new Basket(1L, "one", "x"));
        s.persist(new Basket(2L, "two", "y"));
      });
      Completions.await(a);
      assertEquals(List.of("x"), b.fromTransaction(s -> new ArrayList<>(s.find(Basket.class, 1L).items)));

      // basket 1's items change (Hibernate locks the collection first), then basket 2's update violates the unique
      // code before the collection update executes
      assertThrows(RuntimeException.class, () -> a.inTransaction(s -> {
        s.find(Basket.class, 1L).items.add("z");
        s.find(Basket.class, 2L).code = "one";
      }));
      Completions.await(a);
      CaspianRegionFactory regions = (CaspianRegionFactory) a.unwrap(SessionFactoryImplementor.class).getCache()
          .getRegionFactory();
      assertTrue(regions.getAbandonedLockCount() >= 1, "the collection's lock was released at completion");


      long before = collectionHits(b);
      for (int i = 0; i < 4; i++) {
        assertEquals(List.of("x"), b.fromTransaction(s -> new ArrayList<>(s.find(Basket.class, 1L).items)),
            "the rolled-back change is not seen");
      }
      assertTrue(collectionHits(b) > before,
          "B caches basket 1's items again at once, not after the 60 s lock timeout");
    }
  }
}
