package io.caspian.memcached;

/** What a compare-and-swap (or add, or delete with CAS) answered. */
public enum CasStatus {
  /** The write took effect. */
  OK,
  /** Another writer changed the item first (or, for add, the item exists). */
  EXISTS,
  /** The item is gone (deleted, expired or evicted) since it was read. */
  NOT_FOUND
}
