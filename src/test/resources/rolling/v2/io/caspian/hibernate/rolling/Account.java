package io.caspian.hibernate.rolling;

import jakarta.persistence.Cacheable;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;
import org.hibernate.annotations.NaturalId;
import org.hibernate.annotations.NaturalIdCache;

/** Rolling-deploy fixture, v2: the mapping the new nodes of a rolling deploy run; one more (nullable) column than v1. */
@Entity(name = "Account")
@Table(name = "Account")
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
@NaturalIdCache
public class Account {
  @Id
  public Long id;

  @NaturalId
  public String number;

  public long balance;

  /** Added in v2: nullable, so v1 nodes keep writing rows without it. */
  public String note;

  @ElementCollection
  @CollectionTable(name = "Account_entries")
  @Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
  public List<Entry> entries = new ArrayList<>();

  @Version
  public long version;

  protected Account() {}

  public Account(Long id, String number, long balance) {
    this.id = id;
    this.number = number;
    this.balance = balance;
  }
}
