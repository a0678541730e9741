package io.caspian.hibernate.coverage;

import jakarta.persistence.Embeddable;
import java.io.Serializable;

/** A composite id: the cache key must encode identically in every JVM. */
@Embeddable
public record OrderLineId(long orderId, int lineNo) implements Serializable {}
