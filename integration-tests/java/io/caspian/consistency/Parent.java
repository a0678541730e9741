package io.caspian.consistency;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.JoinTable;
import jakarta.persistence.ManyToMany;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.util.HashSet;
import java.util.Set;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;
import org.hibernate.annotations.NaturalId;
import org.hibernate.annotations.NaturalIdCache;

/**
 * The checker's versioned entity: a cached natural id, a cached one-to-many with orphan removal and a cached
 * many-to-many. {@code seq} is drawn by the driver on every write, so that a read can be ordered against commits.
 */
@Entity
@Table(name = "CParent")
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
@NaturalIdCache
public class Parent {
  @Id
  public Long id;

  @NaturalId
  public String code;

  @Version
  public long version;

  public long seq;

  @OneToMany(mappedBy = "parent", cascade = CascadeType.ALL, orphanRemoval = true)
  @Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
  public Set<Child> children = new HashSet<>();

  @ManyToMany
  @JoinTable(name = "CParent_Tag", joinColumns = @JoinColumn(name = "parent_id"),
      inverseJoinColumns = @JoinColumn(name = "tag_id"))
  @Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
  public Set<Tag> tags = new HashSet<>();

  protected Parent() {
  }

  Parent(long id, long seq) {
    this.id = id;
    this.code = code(id);
    this.seq = seq;
  }

  /** Natural ids are derived from ids, which are never reused: a natural id names one row for ever. */
  static String code(long id) {
    return "P" + id;
  }
}
