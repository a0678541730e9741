package io.caspian.hibernate.coverage;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** NONSTRICT_READ_WRITE entity, unversioned. */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.NONSTRICT_READ_WRITE)
public class Book {
  @Id
  Long id;

  String title;

  @ManyToOne
  Author author;

  protected Book() {}

  Book(Long id, String title, Author author) {
    this.id = id;
    this.title = title;
    this.author = author;
  }
}
