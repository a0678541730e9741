package io.caspian.hibernate.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.hibernate.CaspianSettings;
import io.caspian.testing.MemcachedExtension;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every access type and the mapping shapes whose cache keys or entries are easy to get wrong — collections,
 * inheritance, composite ids, batch fetching, multi-tenancy — on two nodes sharing memcached and H2. Each test
 * writes on one node and checks that the other serves the committed state from the cache.
 */
class MappingCoverageTest {
  @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.pool(2);

  private String id;
  private SessionFactory a;
  private SessionFactory b;

  @BeforeEach
  void nodes() {
    id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    a = configuration().buildSessionFactory();
    b = configuration().buildSessionFactory();
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  private Configuration configuration() {
    return CoverageNodes.caspian(memcached.addresses(), "cov" + id, "cov" + id);
  }

  private static <T> T read(SessionFactory node, Function<Session, T> work) {
    return node.fromTransaction(work);
  }

  private static void write(SessionFactory node, Consumer<Session> work) {
    node.inTransaction(work);
    // the cache work after the commit runs in the background; these tests count hits right after a write
    io.caspian.hibernate.Completions.await(node);
  }

  /** Second-level cache hits of {@code node} while {@code work} runs. */
  private static long hitsDuring(SessionFactory node, Runnable work) {
    // Runnable keeps the callers' lambdas free of the generic read()'s inference
    Statistics stats = node.getStatistics();
    long before = stats.getSecondLevelCacheHitCount();
    work.run();
    return stats.getSecondLevelCacheHitCount() - before;
  }

  @Test
  void readWriteCollectionIsSharedAndInvalidatedAcrossNodes() {
    write(a, s -> {
      Author author = new Author(1L, "Le Guin");
      s.persist(author);
      s.persist(new Book(10L, "The Dispossessed", author));
    });
    assertEquals((Object) 1, read(b, s -> s.find(Author.class, 1L).books.size()));
    assertTrue(hitsDuring(b, () -> assertEquals((Object) 1, read(b, s -> s.find(Author.class, 1L).books.size()))) >= 2,
        "author and its collection come from the cache");
    write(a, s -> {
      Author author = s.find(Author.class, 1L);
      Book book = new Book(11L, "The Lathe of Heaven", author);
      s.persist(book);
      author.books.add(book);
    });
    assertEquals(List.of(10L, 11L), read(b, s -> s.find(Author.class, 1L).books.stream()
        .map(book -> book.id).sorted().toList()), "the collection was invalidated by A's commit");
  }

  @Test
  void nonStrictReadWriteUpdateIsSeenByTheOtherNode() {
    write(a, s -> {
      Author author = new Author(2L, "Tolkien");
      s.persist(author);
      s.persist(new Book(20L, "The Hobbit", author));
    });
    assertEquals("The Hobbit", read(b, s -> s.find(Book.class, 20L).title));
    write(a, s -> s.find(Book.class, 20L).title = "There and Back Again");
    assertEquals("There and Back Again", read(b, s -> s.find(Book.class, 20L).title));
    // B's caching timestamp lags until B has seen the clock past A's invalidation (its first read after it fetched
    // the clock): that read's load is refused, the next one's is cached, and from then on B hits
    assertEquals("There and Back Again", read(b, s -> s.find(Book.class, 20L).title));
    assertEquals(2L, hitsDuring(b, () -> read(b, s -> s.find(Book.class, 20L))), "the book and its author");
  }

  @Test
  void readOnlyEntityAndNaturalIdAreServedFromTheCache() {
    write(a, s -> s.persist(new Country(1L, "NO", "Norway")));
    assertEquals("Norway", read(b, s -> s.find(Country.class, 1L).name));
    assertEquals(1L, hitsDuring(b, () -> read(b, s -> s.find(Country.class, 1L))));
    assertEquals((Object) 1L, read(b, s -> s.bySimpleNaturalId(Country.class).load("NO").id));
    assertTrue(hitsDuring(b, () -> read(b, s -> s.bySimpleNaturalId(Country.class).load("NO"))) >= 1,
        "natural id resolution from the cache");
  }

  @Test
  void inheritanceKeepsTheConcreteTypeAndUpdatesPropagate() {
    write(a, s -> {
      s.persist(new Car(1L, "ann", 5));
      s.persist(new Bike(2L, "bob", true));
    });
    read(b, s -> s.find(Vehicle.class, 1L));
    read(b, s -> s.find(Vehicle.class, 2L));
    long hits = hitsDuring(b, () -> {
      assertInstanceOf(Car.class, read(b, s -> s.find(Vehicle.class, 1L)));
      assertInstanceOf(Bike.class, read(b, s -> s.find(Vehicle.class, 2L)));
    });
    assertEquals(2, hits);
    write(a, s -> ((Car) s.find(Vehicle.class, 1L)).doors = 3);
    assertEquals((Object) 3, read(b, s -> s.find(Car.class, 1L).doors));
  }

  @Test
  void compositeIdEntriesAreSharedAcrossNodes() {
    OrderLineId lineId = new OrderLineId(7L, 2);
    write(a, s -> s.persist(new OrderLine(lineId, 4)));
    assertEquals((Object) 4, read(b, s -> s.find(OrderLine.class, new OrderLineId(7L, 2)).quantity));
    assertEquals(1L, hitsDuring(b, () -> read(b, s -> s.find(OrderLine.class, new OrderLineId(7L, 2)))));
    write(a, s -> s.find(OrderLine.class, lineId).quantity = 9);
    assertEquals((Object) 9, read(b, s -> s.find(OrderLine.class, lineId).quantity));
  }

  @Test
  void tenantsWithTheSameIdNeverSeeEachOthersEntries() throws Exception {
    TenantDatabases databases = new TenantDatabases("mt" + id, "acme", "globex");
    Configuration mt = new Configuration().addAnnotatedClass(Account.class)
        .setProperty("hibernate.dialect", "org.hibernate.dialect.H2Dialect")
        .setProperty("hibernate.cache.use_second_level_cache", "true")
        .setProperty("hibernate.generate_statistics", "true")
        .setProperty("hibernate.cache.region.factory_class", "caspian")
        .setProperty(CaspianSettings.SERVERS, memcached.addresses())
        .setProperty(CaspianSettings.NAMESPACE, "mt" + id);
    mt.getProperties().put("hibernate.multi_tenant_connection_provider", databases);
    try (SessionFactory x = mt.buildSessionFactory(); SessionFactory y = mt.buildSessionFactory()) {
      for (String tenant : List.of("acme", "globex")) {
        try (Session s = x.withOptions().tenantIdentifier(tenant).openSession()) {
          s.inTransaction(tx -> s.persist(new Account(1L, tenant + "-holder")));
        }
      }
      io.caspian.hibernate.Completions.await(x); // the inserts are cached after their transactions returned
      for (int round = 0; round < 2; round++) {
        for (String tenant : List.of("acme", "globex")) {
          try (Session s = y.withOptions().tenantIdentifier(tenant).openSession()) {
            assertEquals(tenant + "-holder", s.find(Account.class, 1L).holder, "tenant " + tenant);
          }
        }
      }
      // the inserts cached each tenant's row, so all four reads are hits, and each saw its own tenant's value
      assertEquals(4L, y.getStatistics().getSecondLevelCacheHitCount());
    }
  }

  @Test
  void batchFetchingAndMultiLoadAreServedFromTheCache() {
    write(a, s -> {
      for (long i = 100; i < 105; i++) {
        s.persist(new Author(i, "author" + i));
      }
    });
    List<Long> ids = List.of(100L, 101L, 102L, 103L, 104L);
    read(b, s -> s.findMultiple(Author.class, ids));
    long hits = hitsDuring(b, () -> assertEquals((Object) 5, read(b, s -> s.findMultiple(Author.class, ids)).size()));
    assertEquals(5, hits, "every batch member from the cache");
  }
}
