package io.caspian.cluster;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Version;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** The hot entity of the cluster workload: a versioned counter, READ_WRITE-cached. */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class Account {
  @Id
  Long id;

  long balance;

  @Version
  long version;

  protected Account() {}

  Account(Long id) {
    this.id = id;
  }
}
