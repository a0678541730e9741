package io.caspian.hibernate.rolling;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** Rolling-deploy fixture, NONSTRICT_READ_WRITE and unversioned; v2: the mapping the new nodes of a rolling deploy run; one more (nullable) column than v1. */
@Entity(name = "Memo")
@Table(name = "Memo")
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.NONSTRICT_READ_WRITE)
public class Memo {
  @Id
  public Long id;

  public String text;

  /** Added in v2. */
  public String author;

  protected Memo() {}

  public Memo(Long id, String text) {
    this.id = id;
    this.text = text;
  }
}
