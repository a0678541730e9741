package io.caspian.hibernate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.persister.collection.CollectionPersister;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.type.BasicType;
import org.hibernate.type.CollectionType;
import org.hibernate.type.CompositeType;
import org.hibernate.type.EntityType;
import org.hibernate.type.Type;

/**
 * A hash of the mapping that shapes a cached value: Hibernate caches entity state, collection elements and natural-id
 * resolutions by position and type, so two JVMs running different mappings of one entity name (a rolling deploy)
 * must not read each other's entries. Built only from names (entity, property, class names, JDBC type codes) in
 * mapping order, so it is the same in every JVM running the same mapping. Never 0: 0 means "unknown".
 */
final class MappingFingerprint {
  private static final String FORMAT = "caspian-mapping-1";
  /** How deep nested types (embeddables, associated ids) are described; deeper shapes are rare and only named. */
  private static final int DEPTH = 4;

  // keyed by persister identity (persisters keep Object's equals); weak, as SessionFactories come and go
  private static final Map<EntityPersister, Integer> ENTITIES = Collections.synchronizedMap(new WeakHashMap<>());
  private static final Map<EntityPersister, Integer> NATURAL_IDS = Collections.synchronizedMap(new WeakHashMap<>());
  private static final Map<CollectionPersister, Integer> COLLECTIONS =
      Collections.synchronizedMap(new WeakHashMap<>());

  private MappingFingerprint() {
  }

  /** Covers the whole hierarchy: every subclass shares the root's region and its cache entries. */
  static int entity(EntityPersister persister) {
    return cached(ENTITIES, persister, MappingFingerprint::entitySignature);
  }

  static int collection(CollectionPersister persister) {
    return cached(COLLECTIONS, persister, MappingFingerprint::collectionSignature);
  }

  static int naturalId(EntityPersister persister) {
    return cached(NATURAL_IDS, persister, MappingFingerprint::naturalIdSignature);
  }

  private static <P> int cached(Map<P, Integer> cache, P persister, Function<P, String> signature) {
    Integer known = cache.get(persister);
    if (known != null) {
      return known;
    }
    // computed outside the lock: a race only computes the same value twice
    int computed = hash(signature.apply(persister));
    cache.put(persister, computed);
    return computed;
  }

  static String entitySignature(EntityPersister persister) {
    SessionFactoryImplementor factory = persister.getFactory();
    String root = persister.getRootEntityName();
    List<EntityPersister> hierarchy = new ArrayList<>();
    factory.getMappingMetamodel().forEachEntityDescriptor(candidate -> {
      if (root.equals(candidate.getRootEntityName())) {
        hierarchy.add(candidate);
      }
    });
    hierarchy.sort(Comparator.comparing(EntityPersister::getEntityName));
    StringBuilder out = new StringBuilder(FORMAT).append(" entity ").append(root);
    for (EntityPersister member : hierarchy) {
      out.append("\n").append(member.getEntityName()).append(" id=");
      describe(out, member.getIdentifierType(), factory, 0);
      out.append(" version=");
      describe(out, member.getVersionType(), factory, 0);
      // mapping order, not sorted: the cached state array is positional
      properties(out, member.getPropertyNames(), member.getPropertyTypes(), factory, 0);
    }
    return out.toString();
  }

  static String collectionSignature(CollectionPersister persister) {
    SessionFactoryImplementor factory = persister.getFactory();
    StringBuilder out = new StringBuilder(FORMAT).append(" collection ").append(persister.getRole());
    out.append(" kind=").append(persister.getCollectionType().getReturnedClass().getName()).append(" key=");
    describe(out, persister.getKeyType(), factory, 0);
    out.append(" index=");
    describe(out, persister.getIndexType(), factory, 0);
    out.append(" element=");
    describe(out, persister.getElementType(), factory, 0);
    return out.toString();
  }

  static String naturalIdSignature(EntityPersister persister) {
    SessionFactoryImplementor factory = persister.getFactory();
    EntityPersister root = factory.getMappingMetamodel().getEntityDescriptor(persister.getRootEntityName());
    StringBuilder out = new StringBuilder(FORMAT).append(" natural-id ").append(root.getEntityName()).append(" id=");
    describe(out, root.getIdentifierType(), factory, 0);
    int[] positions = root.getNaturalIdentifierProperties();
    String[] names = root.getPropertyNames();
    Type[] types = root.getPropertyTypes();
    for (int position : positions == null ? new int[0] : positions) {
      out.append(' ').append(names[position]).append(':');
      describe(out, types[position], factory, 0);
    }
    return out.toString();
  }

  private static void properties(StringBuilder out, String[] names, Type[] types, SessionFactoryImplementor factory,
      int depth) {
    out.append(" {");
    for (int i = 0; i < names.length; i++) {
      out.append(i == 0 ? "" : ", ").append(names[i]).append(':');
      describe(out, types[i], factory, depth);
    }
    out.append('}');
  }

  /** What a type's disassembled (cached) form depends on, from names only; never identity hash codes. */
  private static void describe(StringBuilder out, Type type, SessionFactoryImplementor factory, int depth) {
    if (type == null) {
      out.append('-');
      return;
    }
    out.append(type.getReturnedClass().getName());
    if (type instanceof BasicType<?> basic) {
      out.append('/').append(basic.getJdbcType().getDefaultSqlTypeCode());
      if (basic.getValueConverter() != null) {
        // a converter changes the stored form (an enum as ordinal or as name)
        out.append("/converted:").append(basic.getValueConverter().getRelationalJavaType().getJavaTypeClass().getName());
      }
    } else if (type instanceof CollectionType collection) {
      out.append('(').append(collection.getRole()).append(')');
    } else if (type instanceof EntityType entity) {
      // cached as the associated entity's id
      String target = entity.getAssociatedEntityName();
      out.append("->").append(target);
      if (depth < DEPTH) {
        out.append('#');
        describe(out, factory.getMappingMetamodel().getEntityDescriptor(target).getIdentifierType(), factory, depth + 1);
      }
    } else if (type instanceof CompositeType composite && depth < DEPTH) {
      properties(out, composite.getPropertyNames(), composite.getSubtypes(), factory, depth + 1);
    }
  }

  static int hash(String signature) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(signature.getBytes(StandardCharsets.UTF_8));
      int value = ((digest[0] & 0xff) << 24) | ((digest[1] & 0xff) << 16) | ((digest[2] & 0xff) << 8)
          | (digest[3] & 0xff);
      return value == 0 ? 1 : value;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
