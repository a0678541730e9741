package io.caspian.hibernate.rolling;

import jakarta.persistence.Embeddable;

/** Rolling-deploy fixture: an element of a cached collection, v1: the mapping the old nodes of a rolling deploy still run. */
@Embeddable
public class Entry {
  public String label;

  protected Entry() {}

  public Entry(String label) {
    this.label = label;
  }
}
