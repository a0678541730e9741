package io.caspian.jcache;

import javax.cache.management.CacheStatisticsMXBean;

/**
 * JSR-107 statistics plus what a memcached-backed cache adds: how often the CAS loop lost to another writer, and
 * how many stored values were skipped because they were too large, undecodable or of a class not allowed.
 * The transport counters are those of the cache manager's memcached client, shared by its caches.
 */
public interface CaspianCacheStatisticsMXBean extends CacheStatisticsMXBean {
  /** CAS (or add) attempts that lost to a concurrent writer, in any JVM. */
  long getCasConflicts();

  /** Read-modify-writes abandoned after the configured number of attempts. */
  long getCasGaveUp();

  /** Values not cached because they exceed the item size limit. */
  long getOversizedValues();

  /** Stored values read as misses because their class is not in the allow-list. */
  long getRejectedValues();

  /** Stored values read as misses because they could not be decoded. */
  long getUndecodableValues();

  /**
   * Stored values read as misses because they failed authentication (values are signed when
   * {@code caspian.security.key} is set): planted, altered, copied from another key, or signed with another secret.
   */
  long getTamperedValues();

  /**
   * Reads answered as misses and plain writes skipped because memcached could not be reached, with
   * {@code caspian.fail-open=true} (else such operations throw).
   */
  long getFailOpenSkips();

  /** Operations that failed because memcached was down or too slow. */
  long getTransportFailures();

  /** The part of {@link #getTransportFailures()} that timed out (memcached did not answer within the timeout). */
  long getTransportTimeouts();
}
