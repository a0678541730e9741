package io.caspian.hibernate.domain;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** An entity asking for TRANSACTIONAL caching, which Caspian refuses at bootstrap. */
@Entity
@Cache(usage = CacheConcurrencyStrategy.TRANSACTIONAL)
public class Ledger {
  @Id
  private Long id;
}
