package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hibernate.cache.CacheException;
import org.junit.jupiter.api.Test;

class HibernateVersionsTest {
  @Test
  void testedVersionsPassSilently() {
    assertNull(HibernateVersions.check("7.2.19.Final"));
    assertNull(HibernateVersions.check("7.4.16.Final"));
    assertNull(HibernateVersions.check(org.hibernate.Version.getVersionString()), "the build's own Hibernate");
  }

  @Test
  void olderVersionsFailWithOneLineNamingTheSupportedOnes() {
    for (String old : new String[] {"6.6.33.Final", "7.1.10.Final", "5.6.15.Final"}) {
      CacheException e = assertThrows(CacheException.class, () -> HibernateVersions.check(old));
      assertTrue(e.getMessage().contains("Hibernate ORM 7.2") && e.getMessage().contains(old)
          && !e.getMessage().contains("\n"), e.getMessage());
    }
  }

  @Test
  void newerOrUnreadableVersionsWarn() {
    assertNotNull(HibernateVersions.check("7.5.0.Final"));
    assertNotNull(HibernateVersions.check("8.0.0.Alpha1"));
    assertNotNull(HibernateVersions.check("unknown"));
  }
}
