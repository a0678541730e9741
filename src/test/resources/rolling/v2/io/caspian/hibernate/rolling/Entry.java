package io.caspian.hibernate.rolling;

import jakarta.persistence.Embeddable;

/** Rolling-deploy fixture: an element of a cached collection, v2: the mapping the new nodes of a rolling deploy run; one more (nullable) column than v1. */
@Embeddable
public class Entry {
  public String label;

  /** Added in v2. */
  public String note;

  protected Entry() {}

  public Entry(String label) {
    this.label = label;
  }
}
