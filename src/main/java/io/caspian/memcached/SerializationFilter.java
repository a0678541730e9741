package io.caspian.memcached;

import java.io.ObjectInputFilter;

/**
 * The {@link ObjectInputFilter} every deserialization goes through: JDK value types plus the patterns the user
 * configured, everything else rejected, with bounds on depth, references and array sizes so that a tampered item
 * cannot exhaust memory.
 */
public final class SerializationFilter {
  /** JDK types that carry no behaviour worth attacking and that cache values commonly hold. */
  public static final String JDK_VALUE_TYPES = "java.lang.*;java.util.*;java.util.concurrent.*;java.math.*;java.io.Serializable;"
      + "java.time.*;java.sql.Timestamp;java.sql.Date;java.sql.Time;java.net.URI;java.net.URL;java.net.InetAddress;"
      + "java.net.Inet4Address;java.net.Inet6Address;java.util.UUID";

  private SerializationFilter() {}

  /**
   * Builds the filter.
   *
   * @param allow extra patterns in {@link ObjectInputFilter.Config#createFilter} syntax, separated by {@code ;}
   *     or {@code ,} (e.g. {@code com.example.model.**;org.hibernate.**}); may be empty
   * @param maxBytes the largest stream the filter admits
   */
  public static ObjectInputFilter create(String allow, long maxBytes) {
    StringBuilder pattern = new StringBuilder("maxdepth=64;maxrefs=1000000;maxarray=10000000;maxbytes=")
        .append(maxBytes).append(';').append(JDK_VALUE_TYPES);
    if (allow != null) {
      for (String p : allow.split("[;,\\s]+")) {
        if (!p.isBlank()) {
          if (p.startsWith("!")) {
            throw new IllegalArgumentException(MemcachedSettings.SERIALIZATION_ALLOW
                + " lists classes to allow; '" + p + "' is a rejection");
          }
          pattern.append(';').append(p.trim());
        }
      }
    }
    pattern.append(";!*");
    return ObjectInputFilter.Config.createFilter(pattern.toString());
  }
}
