package io.caspian.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.UUID;
import org.hibernate.SessionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.persister.collection.CollectionPersister;
import org.hibernate.persister.entity.EntityPersister;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fingerprints must agree between separately built factories (hence JVMs) and change with the mapping. */
class MappingFingerprintTest {
  private SessionFactory v1a;
  private SessionFactory v1b;
  private SessionFactory v2;

  @AfterEach
  void close() {
    for (SessionFactory factory : new SessionFactory[] {v1a, v1b, v2}) {
      if (factory != null) {
        factory.close();
      }
    }
  }

  private static SessionFactory build(String version) {
    return RollingMappings.configuration(version)
        .setProperty("hibernate.connection.url", "jdbc:h2:mem:fp" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
        .setProperty("hibernate.hbm2ddl.auto", "none")
        .buildSessionFactory();
  }

  private static EntityPersister entity(SessionFactory factory, String simpleName) {
    return factory.unwrap(SessionFactoryImplementor.class).getMappingMetamodel()
        .getEntityDescriptor("io.caspian.hibernate.rolling." + simpleName);
  }

  private static CollectionPersister entries(SessionFactory factory) {
    return factory.unwrap(SessionFactoryImplementor.class).getMappingMetamodel()
        .getCollectionDescriptor("io.caspian.hibernate.rolling.Account.entries");
  }

  @Test
  void equalForTheSameMappingInSeparateFactories() {
    v1a = build(RollingMappings.V1);
    v1b = build(RollingMappings.V1);
    assertNotEquals(entity(v1a, "Account"), entity(v1b, "Account"), "two persister instances");
    assertEquals(MappingFingerprint.entity(entity(v1a, "Account")), MappingFingerprint.entity(entity(v1b, "Account")));
    assertEquals(MappingFingerprint.entity(entity(v1a, "Memo")), MappingFingerprint.entity(entity(v1b, "Memo")));
    assertEquals(MappingFingerprint.collection(entries(v1a)), MappingFingerprint.collection(entries(v1b)));
    assertEquals(MappingFingerprint.naturalId(entity(v1a, "Account")),
        MappingFingerprint.naturalId(entity(v1b, "Account")));
    assertNotEquals(MappingFingerprint.entity(entity(v1a, "Account")), MappingFingerprint.entity(entity(v1a, "Memo")));
  }

  @Test
  void signaturesHoldNamesOnlyNoIdentityHashes() {
    v1a = build(RollingMappings.V1);
    String signature = MappingFingerprint.entitySignature(entity(v1a, "Account"));
    assertFalse(signature.contains("@"), signature);
    assertFalse(MappingFingerprint.collectionSignature(entries(v1a)).contains("@"));
    assertFalse(MappingFingerprint.naturalIdSignature(entity(v1a, "Account")).contains("@"));
  }

  @Test
  void differsWhenAPropertyIsAdded() {
    v1a = build(RollingMappings.V1);
    v2 = build(RollingMappings.V2);
    assertNotEquals(MappingFingerprint.entity(entity(v1a, "Account")), MappingFingerprint.entity(entity(v2, "Account")));
    assertNotEquals(MappingFingerprint.entity(entity(v1a, "Memo")), MappingFingerprint.entity(entity(v2, "Memo")));
    assertNotEquals(MappingFingerprint.collection(entries(v1a)), MappingFingerprint.collection(entries(v2)),
        "the embeddable element gained a property");
    assertEquals(MappingFingerprint.naturalId(entity(v1a, "Account")), MappingFingerprint.naturalId(entity(v2, "Account")),
        "natural id and id unchanged: resolutions stay shared");
  }

  @Test
  void neverZeroWhichMeansUnknown() {
    for (int i = 0; i < 10_000; i++) {
      assertNotEquals(0, MappingFingerprint.hash("signature " + i));
    }
  }
}
