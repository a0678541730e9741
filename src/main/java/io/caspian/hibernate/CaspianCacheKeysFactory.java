package io.caspian.hibernate;

import java.io.Serializable;
import java.util.ArrayList;
import org.hibernate.cache.spi.CacheKeysFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.persister.collection.CollectionPersister;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.type.BasicType;
import org.hibernate.type.Type;

/**
 * Produces {@link CaspianCacheKey}s: small, serializable, equal bytes in every JVM. Each key also carries, outside
 * its identity, the fingerprint of the persister's mapping, which the regions store with every value they cache.
 */
public final class CaspianCacheKeysFactory implements CacheKeysFactory {
  public static final CaspianCacheKeysFactory INSTANCE = new CaspianCacheKeysFactory();

  @Override
  public Object createEntityKey(
      Object id, EntityPersister persister, SessionFactoryImplementor factory, String tenantIdentifier) {
    return key(persister.getRootEntityName(), id, persister.getIdentifierType(), factory, tenantIdentifier,
        MappingFingerprint.entity(persister));
  }

  @Override
  public Object createCollectionKey(
      Object id, CollectionPersister persister, SessionFactoryImplementor factory, String tenantIdentifier) {
    return key(persister.getRole(), id, persister.getKeyType(), factory, tenantIdentifier,
        MappingFingerprint.collection(persister));
  }

  @Override
  public Object createNaturalIdKey(
      Object naturalIdValues, EntityPersister persister, SharedSessionContractImplementor session) {
    Object disassembled = persister.getNaturalIdMapping().disassemble(naturalIdValues, session);
    return new CaspianCacheKey(
        persister.getRootEntityName() + "##NaturalId",
        canonical(disassembled),
        session.getTenantIdentifier(),
        disassembled,
        MappingFingerprint.naturalId(persister));
  }

  @Override
  public Object getEntityId(Object cacheKey) {
    return ((CaspianCacheKey) cacheKey).original();
  }

  @Override
  public Object getCollectionId(Object cacheKey) {
    return ((CaspianCacheKey) cacheKey).original();
  }

  @Override
  public Object getNaturalIdValues(Object cacheKey) {
    return ((CaspianCacheKey) cacheKey).original();
  }

  private static CaspianCacheKey key(
      String role, Object id, Type type, SessionFactoryImplementor factory, String tenant, int mapping) {
    Object coerced = type instanceof BasicType<?> basic ? basic.getJavaTypeDescriptor().coerce(id) : id;
    return new CaspianCacheKey(role, canonical(type.disassemble(coerced, factory)), tenant, coerced, mapping);
  }

  /** Arrays compare by identity; lists by value, so the key's equals and its serialized form agree. */
  static Serializable canonical(Object value) {
    if (value != null && value.getClass().isArray()) {
      int length = java.lang.reflect.Array.getLength(value);
      ArrayList<Serializable> list = new ArrayList<>(length);
      for (int i = 0; i < length; i++) {
        list.add(canonical(java.lang.reflect.Array.get(value, i)));
      }
      return list;
    }
    return (Serializable) value;
  }

  @Override
  public String toString() {
    return "CaspianCacheKeysFactory";
  }
}
