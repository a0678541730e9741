package io.caspian.hibernate;

import org.hibernate.cache.CacheException;

/**
 * Which Hibernate ORM versions Caspian runs on, checked when the region factory starts: a version whose SPI differs
 * would otherwise start and then fail on the first cached entity (Hibernate 6.6: {@code NoSuchMethodError} in the
 * key factory), or worse, cache with other semantics (6.6's StatelessSession bypasses the cache, see
 * docs/hibernate-design.md). The test suite runs against the versions named in {@link #TESTED}.
 */
final class HibernateVersions {
  /** Tested by bin/test: Spring Boot 4.0's Hibernate and the newest 7.4. */
  static final String TESTED = "7.2.19 and 7.4.16";
  static final String SUPPORTED = "Hibernate ORM 7.2 or later 7.x";

  private HibernateVersions() {}

  /**
   * Fails for a Hibernate this release does not run on.
   *
   * @param version Hibernate's own version string, e.g. {@code 7.4.16.Final}
   * @return a warning to log when the version is newer than any tested, else null
   * @throws CacheException naming the supported versions
   */
  static String check(String version) {
    int[] majorMinor = majorMinor(version);
    if (majorMinor == null) {
      return "Caspian could not read the Hibernate version '" + version + "'; it is tested with " + TESTED;
    }
    if (majorMinor[0] < 7 || (majorMinor[0] == 7 && majorMinor[1] < 2)) {
      throw new CacheException("Caspian requires " + SUPPORTED + " (tested: " + TESTED + "); this is Hibernate "
          + version + ". With Spring Boot 3.x (Hibernate 6.6) use Spring Boot 4, or keep the stock region factory.");
    }
    if (majorMinor[0] > 7 || majorMinor[1] > 4) {
      return "Caspian is tested with Hibernate " + TESTED + "; this is " + version;
    }
    return null;
  }

  private static int[] majorMinor(String version) {
    if (version == null) {
      return null;
    }
    String[] parts = version.split("\\.");
    if (parts.length < 2) {
      return null;
    }
    try {
      return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
