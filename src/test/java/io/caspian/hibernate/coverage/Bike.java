package io.caspian.hibernate.coverage;

import jakarta.persistence.Entity;

/** Another subclass, to check that the cached entry keeps its concrete type. */
@Entity
public class Bike extends Vehicle {
  boolean electric;

  protected Bike() {}

  Bike(Long id, String owner, boolean electric) {
    super(id, owner);
    this.electric = electric;
  }
}
