package io.caspian.hibernate.protocol;

/**
 * An unlocked, readable cache entry.
 *
 * @param value     Hibernate's cache entry (disassembled state)
 * @param version   the entity (or collection owner) version, null when unversioned
 * @param timestamp cluster-clock time at which the value became current: a load begun before it may hold an older
 *                  row, so it decides whether such a load may replace the value; reads do not look at it
 */
public record CachedItem(Object value, Object version, long timestamp) implements ReadWriteState {
}
