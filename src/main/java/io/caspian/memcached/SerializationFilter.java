package io.caspian.memcached;

import java.io.ObjectInputFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

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
    for (String p : userPatterns(allow)) {
      pattern.append(';').append(p);
    }
    pattern.append(";!*");
    return ObjectInputFilter.Config.createFilter(pattern.toString());
  }

  /**
   * The same allow-list as {@link #create}, for a class known only by name: lets the compact format check an enum's
   * class before loading it. Matches like the JDK filter: {@code pkg.*} the package's classes, {@code pkg.**} also
   * its subpackages, {@code prefix*} any name so starting, anything else the exact name; module-qualified patterns
   * match nothing here.
   */
  public static Predicate<String> classNames(String allow) {
    List<String> patterns = new ArrayList<>(List.of(JDK_VALUE_TYPES.split(";")));
    patterns.addAll(userPatterns(allow));
    List<Predicate<String>> matchers = new ArrayList<>();
    for (String p : patterns) {
      if (p.contains("/") || p.contains("=")) {
        continue;
      }
      if (p.endsWith(".**")) {
        String prefix = p.substring(0, p.length() - 2);
        matchers.add(name -> name.startsWith(prefix));
      } else if (p.endsWith(".*")) {
        String prefix = p.substring(0, p.length() - 1);
        matchers.add(name -> name.startsWith(prefix) && name.indexOf('.', prefix.length()) < 0);
      } else if (p.endsWith("*")) {
        String prefix = p.substring(0, p.length() - 1);
        matchers.add(name -> name.startsWith(prefix));
      } else {
        matchers.add(p::equals);
      }
    }
    return name -> {
      for (Predicate<String> matcher : matchers) {
        if (matcher.test(name)) {
          return true;
        }
      }
      return false;
    };
  }

  private static List<String> userPatterns(String allow) {
    List<String> patterns = new ArrayList<>();
    if (allow != null) {
      for (String p : allow.split("[;,\\s]+")) {
        if (!p.isBlank()) {
          if (p.startsWith("!")) {
            throw new IllegalArgumentException(MemcachedSettings.SERIALIZATION_ALLOW
                + " lists classes to allow; '" + p + "' is a rejection");
          }
          patterns.add(p.trim());
        }
      }
    }
    return patterns;
  }
}
