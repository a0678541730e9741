package io.caspian.hibernate.coverage;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.NaturalId;
import org.hibernate.annotations.NaturalIdCache;

/** READ_ONLY reference data with a cached natural id. */
@Entity
@Immutable
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_ONLY)
@NaturalIdCache
public class Country {
  @Id
  Long id;

  @NaturalId
  String isoCode;

  String name;

  protected Country() {}

  Country(Long id, String isoCode, String name) {
    this.id = id;
    this.isoCode = isoCode;
    this.name = name;
  }
}
