package io.caspian.hibernate;

import java.io.Serializable;

/**
 * A cached value tagged with the fingerprint of the mapping that produced it (see {@link MappingFingerprint}). The
 * memcached key stays the same for every mapping of an entity, so soft locks and invalidations still reach all
 * nodes; only the value tells a reader whether it can assemble it.
 *
 * @param mapping the writer's mapping fingerprint, 0 when unknown
 * @param value   Hibernate's cache entry (disassembled state, collection entry or natural-id resolution)
 */
public record MappedValue(int mapping, Object value) implements Serializable {

  /** {@code value} tagged with the mapping {@code key} was made for; untouched when that mapping is unknown. */
  static Object wrap(Object key, Object value) {
    int mapping = mappingOf(key);
    return mapping == 0 || value == null ? value : new MappedValue(mapping, value);
  }

  /** Whether a reader with fingerprint {@code reader} may use this value; an unknown side accepts. */
  boolean readableBy(int reader) {
    return reader == 0 || mapping == 0 || reader == mapping;
  }

  /** Whether {@code stored} was written by a mapping other than the one {@code key} was made for. */
  static boolean isForeign(Object key, Object stored) {
    return stored instanceof MappedValue mapped && !mapped.readableBy(mappingOf(key));
  }

  static int mappingOf(Object key) {
    return key instanceof CaspianCacheKey caspian ? caspian.mapping() : 0;
  }
}
