package io.caspian.hibernate.coverage;

import jakarta.persistence.Cacheable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Version;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** READ_WRITE entity with a composite id. */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class OrderLine {
  @EmbeddedId
  OrderLineId id;

  int quantity;

  @Version
  long version;

  protected OrderLine() {}

  OrderLine(OrderLineId id, int quantity) {
    this.id = id;
    this.quantity = quantity;
  }
}
