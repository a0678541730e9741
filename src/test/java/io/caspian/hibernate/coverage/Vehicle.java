package io.caspian.hibernate.coverage;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Inheritance;
import jakarta.persistence.InheritanceType;
import jakarta.persistence.Version;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** Root of a JOINED hierarchy; the whole hierarchy shares the root's region. */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
@Inheritance(strategy = InheritanceType.JOINED)
public abstract class Vehicle {
  @Id
  Long id;

  String owner;

  @Version
  long version;

  protected Vehicle() {}

  Vehicle(Long id, String owner) {
    this.id = id;
    this.owner = owner;
  }
}
