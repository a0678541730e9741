package io.caspian.hibernate.coverage;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Version;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** An entity of a database-per-tenant application: the same id exists in every tenant's database. */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class Account {
  @Id
  Long id;

  String holder;

  @Version
  long version;

  protected Account() {}

  Account(Long id, String holder) {
    this.id = id;
    this.holder = holder;
  }
}
