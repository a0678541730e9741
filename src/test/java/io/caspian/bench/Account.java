package io.caspian.bench;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** The benchmarks' entity: cached READ_WRITE, no natural id (whose cache Hibernate consults on every load). */
@Entity
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class Account {
  @Id
  Long id;
  String owner;
  long balance;

  protected Account() {
  }

  Account(Long id, String owner, long balance) {
    this.id = id;
    this.owner = owner;
    this.balance = balance;
  }
}
