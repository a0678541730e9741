package io.caspian.hibernate;

import java.io.Serializable;
import java.util.Objects;

/**
 * A region key whose serialized form, hence memcached key, is identical in every JVM: the role (root entity name or
 * collection role), Hibernate's disassembled id (arrays turned into lists) and the tenant. Unlike Hibernate's default
 * keys it carries no hash code computed from JVM-local state.
 */
public final class CaspianCacheKey implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String role;
  private final Serializable id;
  private final String tenant;
  /** The id as Hibernate gave it, for {@code getCacheKeyId}; not part of identity and not stored. */
  private final transient Object original;
  /**
   * The fingerprint of the mapping this key was made for ({@link MappingFingerprint}); 0 = unknown. Not part of
   * identity and not stored, so every mapping of an entity shares one memcached key and its invalidations.
   */
  private final transient int mapping;

  CaspianCacheKey(String role, Serializable id, String tenant, Object original) {
    this(role, id, tenant, original, 0);
  }

  CaspianCacheKey(String role, Serializable id, String tenant, Object original, int mapping) {
    this.role = Objects.requireNonNull(role);
    this.id = id;
    this.tenant = tenant;
    this.original = original;
    this.mapping = mapping;
  }

  public String role() {
    return role;
  }

  public Serializable id() {
    return id;
  }

  public String tenant() {
    return tenant;
  }

  /** The id as Hibernate passed it in (the disassembled id after deserialization). */
  public Object original() {
    return original != null ? original : id;
  }

  /** The mapping fingerprint the key was made for, 0 when unknown (e.g. after deserialization). */
  public int mapping() {
    return mapping;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CaspianCacheKey that
        && role.equals(that.role) && Objects.equals(id, that.id) && Objects.equals(tenant, that.tenant);
  }

  @Override
  public int hashCode() {
    return Objects.hash(role, id, tenant);
  }

  @Override
  public String toString() {
    return role + "#" + id + (tenant == null ? "" : "@" + tenant);
  }
}
