package io.caspian.cluster;

import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.Version;
import java.util.HashSet;
import java.util.Set;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;
import org.hibernate.annotations.NaturalId;

/**
 * What both deployed versions of the cluster's hot entity share: a versioned counter with an immutable natural id and
 * a READ_WRITE-cached collection whose smallest and largest elements only ever grow (so a stale read is detectable).
 */
@MappedSuperclass
public abstract class AccountBase {
  @Id
  Long id;

  @NaturalId
  @Column(nullable = false, unique = true, length = 32)
  String code;

  long balance;

  @Version
  long version;

  @ElementCollection
  @Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
  Set<Long> items = new HashSet<>();

  static String code(long id) {
    return "acct-" + id;
  }
}
