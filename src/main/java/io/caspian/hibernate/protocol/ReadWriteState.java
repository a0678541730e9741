package io.caspian.hibernate.protocol;

import java.io.Serializable;

/**
 * What a READ_WRITE region stores under one key: a readable {@link CachedItem} or a {@link SoftLockState}.
 * Immutable; every change is a new value computed by {@link ReadWriteTransitions} inside one atomic
 * {@code Cache.invoke}.
 */
public sealed interface ReadWriteState extends Serializable permits CachedItem, SoftLockState {
}
