package io.caspian.hibernate.protocol;

import java.util.Comparator;

/**
 * Hibernate's version comparator made total over "unknown": a version that is null, or an order that is missing
 * (unversioned data), is never newer than anything, so version-based decisions fall back to the safe answer.
 */
public final class VersionOrder {
  public static final VersionOrder NONE = new VersionOrder(null);

  private final Comparator<Object> comparator;

  private VersionOrder(Comparator<Object> comparator) {
    this.comparator = comparator;
  }

  public static VersionOrder of(Comparator<Object> comparator) {
    return comparator == null ? NONE : new VersionOrder(comparator);
  }

  /** Whether {@code candidate} is strictly newer than {@code current}; false when either is unknown. */
  public boolean isNewer(Object current, Object candidate) {
    return comparator != null && current != null && candidate != null && compare(current, candidate) < 0;
  }

  /** Whether {@code candidate} is the same as or newer than {@code current}; false when either is unknown. */
  public boolean isAtMost(Object current, Object candidate) {
    return comparator != null && current != null && candidate != null && compare(current, candidate) <= 0;
  }

  private int compare(Object current, Object candidate) {
    try {
      return comparator.compare(current, candidate);
    } catch (ClassCastException incomparable) {
      // another mapping's version type (a rolling deploy changed it): unknown, so the candidate never wins
      return Integer.MAX_VALUE;
    }
  }

  /** The newer of two versions; a known version wins over null. */
  public Object max(Object a, Object b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return isNewer(a, b) ? b : a;
  }
}
