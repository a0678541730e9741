package io.caspian.cluster;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;
import org.hibernate.annotations.NaturalIdCache;

/**
 * The same table as release 2 maps it, one nullable column more: its cached state has another shape, which a node
 * still running release 1 must never assemble (and vice versa) during a rolling deploy.
 */
@Entity(name = "Account")
@Table(name = "Account")
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
@NaturalIdCache
public class AccountV2 extends AccountBase {
  String note;

  protected AccountV2() {}
}
