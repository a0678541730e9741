package io.caspian.cluster;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;
import org.hibernate.annotations.NaturalIdCache;

/**
 * Release 2 of the application's Account: the same class name (so the same cache region and keys, as in a real
 * rolling deploy) with one nullable column more, so its cached state has another shape, which a node still running
 * release 1 must never assemble (and vice versa). Not a test source: {@code Cluster} compiles it at run time onto
 * the class path of the nodes it deploys as v2.
 */
@Entity(name = "Account")
@Table(name = "Account")
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
@NaturalIdCache
public class Account extends AccountBase {
  String note;

  protected Account() {}
}
