package io.caspian.example;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Version;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** A product, in Hibernate's second-level cache: READ_WRITE, the strategy Caspian makes atomic across instances. */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class Product {
  @Id
  private Long id;

  private String name;

  /** Cents. */
  private long price;

  @Version
  private long version;

  protected Product() {
  }

  public Product(Long id, String name, long price) {
    this.id = id;
    this.name = name;
    this.price = price;
  }

  public Long getId() {
    return id;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public long getPrice() {
    return price;
  }

  public long getVersion() {
    return version;
  }
}
