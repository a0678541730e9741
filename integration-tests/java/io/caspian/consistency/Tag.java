package io.caspian.consistency;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** The checker's unversioned entity, target of {@link Parent#tags}; writers lock its row, as there is no version. */
@Entity
@Table(name = "CTag")
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class Tag {
  @Id
  public Long id;

  public long seq;

  /** The id, also of an uninitialized proxy (its fields are not the entity's). */
  public Long getId() {
    return id;
  }

  protected Tag() {
  }
}
