package io.caspian.consistency;

import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** An element of {@link Parent#children}; never updated, only inserted and deleted (its seq is its insert's). */
@Entity
@Table(name = "CChild")
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class Child {
  @Id
  public Long id;

  public long seq;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "parent_id")
  public Parent parent;

  /** The id, also of an uninitialized proxy (its fields are not the entity's). */
  public Long getId() {
    return id;
  }

  protected Child() {
  }

  Child(long id, Parent parent, long seq) {
    this.id = id;
    this.parent = parent;
    this.seq = seq;
  }
}
