package io.caspian.hibernate.coverage;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Version;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.annotations.BatchSize;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** READ_WRITE entity with a READ_WRITE-cached collection, batch-fetched. */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
@BatchSize(size = 10)
public class Author {
  @Id
  Long id;

  String name;

  @Version
  long version;

  @OneToMany(mappedBy = "author")
  @Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
  List<Book> books = new ArrayList<>();

  protected Author() {}

  Author(Long id, String name) {
    this.id = id;
    this.name = name;
  }
}
