package io.caspian.cluster;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;
import org.hibernate.annotations.NaturalIdCache;

/** The hot entity as release 1 of the application maps it. */
@Entity(name = "Account")
@Table(name = "Account")
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
@NaturalIdCache
public class Account extends AccountBase {
  protected Account() {}
}
