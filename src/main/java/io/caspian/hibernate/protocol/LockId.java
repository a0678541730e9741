package io.caspian.hibernate.protocol;

import java.io.Serializable;
import java.util.UUID;
import org.hibernate.cache.spi.access.SoftLock;

/**
 * Identity of a soft lock, and the handle Hibernate gets back from {@code lockItem}: unique across JVMs because it
 * carries the locking JVM's random node id.
 */
public record LockId(UUID node, long sequence) implements SoftLock, Serializable {
}
