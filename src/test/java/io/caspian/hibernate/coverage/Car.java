package io.caspian.hibernate.coverage;

import jakarta.persistence.Entity;

/** A subclass with a column of its own. */
@Entity
public class Car extends Vehicle {
  int doors;

  protected Car() {}

  Car(Long id, String owner, int doors) {
    super(id, owner);
    this.doors = doors;
  }
}
