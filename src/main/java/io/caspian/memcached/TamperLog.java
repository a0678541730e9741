package io.caspian.memcached;

import io.caspian.memcached.security.SecuritySettings;
import io.caspian.memcached.security.ValueSigner;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the log says about values that failed authentication: whoever plants them also decides how often we log,
 * so the first is a WARN and later ones at most one WARN a minute with the count since, keys as hashes only.
 */
final class TamperLog {
  private static final System.Logger LOG = System.getLogger(Memcached.class.getName());
  private static final AtomicBoolean WARNED_UNSIGNED = new AtomicBoolean();

  private final OncePerInterval warnings = new OncePerInterval(java.time.Duration.ofMinutes(1));
  private final AtomicLong sinceWarn = new AtomicLong();

  /** Says once per JVM that values are not authenticated. */
  static void warnUnsigned(String servers) {
    if (WARNED_UNSIGNED.compareAndSet(false, true)) {
      LOG.log(System.Logger.Level.WARNING, "values in memcached " + servers + " are not authenticated: anyone who"
          + " can write to memcached can make this application read values of their choosing (within the"
          + " deserialization allow-list). Set " + SecuritySettings.KEY + " (or " + SecuritySettings.KEY_FILE + ", "
          + SecuritySettings.KEY_ENV + "; hibernate.cache.caspian.security.key for Hibernate) to sign them.");
    }
  }

  void rejected(String key, ValueSigner.Outcome outcome) {
    long count = sinceWarn.incrementAndGet();
    if (warnings.permits()) {
      sinceWarn.addAndGet(-count);
      LOG.log(System.Logger.Level.WARNING, () -> "value under key " + LogSafe.keyHash(key) + " failed"
          + " authentication (" + describe(outcome) + "); read as a miss" + (count > 1 ? "; " + count
          + " such values since the last warning" : "") + ". Counted in TamperedValues.");
    } else {
      LOG.log(System.Logger.Level.DEBUG, () -> "value under key " + LogSafe.keyHash(key) + " failed"
          + " authentication (" + describe(outcome) + ")");
    }
  }

  private static String describe(ValueSigner.Outcome outcome) {
    return switch (outcome) {
      case UNSIGNED -> "not signed: written by a node without " + SecuritySettings.KEY + ", or by someone else";
      case UNKNOWN_KEY -> "signed with a secret this node does not know: another deployment, or a key rotated out";
      case BAD_TAG -> "signature does not match: altered, or copied from another key";
      default -> outcome.name();
    };
  }
}
