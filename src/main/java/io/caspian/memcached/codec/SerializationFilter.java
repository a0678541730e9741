package io.caspian.memcached.codec;

import io.caspian.memcached.LogSafe;
import io.caspian.memcached.MemcachedSettings;
import java.io.ObjectInputFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What a Java serialization stream read off memcached may contain and cost: an explicit list of JDK value and
 * collection classes plus the patterns the user configured, everything else rejected; and, per stream, budgets
 * that the stream's own length sets, so that a small crafted item cannot make the reader allocate or compute far
 * more than an honest item of its size would.
 *
 * <p>The budgets, checked before the JDK allocates anything: nesting at most {@code maxDepth} (the cost of hashing
 * nested sets doubles per level); at most one object or handle per stream byte (each takes at least one); and array
 * memory at most {@value #ARRAY_BYTES_PER_STREAM_BYTE} bytes per stream byte plus {@value #ARRAY_SLACK} (an honest
 * array element takes at least one stream byte and at most 8 bytes of heap; a hash table's buckets are sized from
 * its entries, each several stream bytes). A stream that claims more (a ten-million-element array in a few hundred
 * bytes) is rejected at the claim.
 */
public final class SerializationFilter {
  /**
   * JDK classes a cache value may contain: value types and the collections their serialized forms name (including
   * the private classes that carry their serial form). Deliberately not {@code java.util.*}: no {@code URL} or
   * {@code InetAddress} (deserializing them can resolve host names; {@code URL} and {@code URI} have their own
   * compact tags), nothing with behaviour beyond holding values. The filter also sees the classes that
   * {@code readResolve} turns serial forms into ({@code List.of}'s, {@code EnumSet}'s) and the element types of the
   * tables collections size from the stream ({@code Map.Entry[]}), so those are listed too.
   */
  public static final Set<String> JDK_VALUE_TYPES = Set.of(
      "java.lang.Boolean", "java.lang.Byte", "java.lang.Character", "java.lang.Short", "java.lang.Integer",
      "java.lang.Long", "java.lang.Float", "java.lang.Double", "java.lang.Number", "java.lang.String",
      "java.lang.Enum", "java.lang.Object", "java.lang.String$CaseInsensitiveComparator", "java.io.Serializable",
      "java.math.BigInteger", "java.math.BigDecimal",
      "java.util.ArrayList", "java.util.LinkedList", "java.util.ArrayDeque", "java.util.Vector",
      "java.util.HashMap", "java.util.LinkedHashMap", "java.util.TreeMap", "java.util.Hashtable",
      "java.util.IdentityHashMap", "java.util.EnumMap", "java.util.HashSet", "java.util.LinkedHashSet",
      "java.util.TreeSet", "java.util.EnumSet$SerializationProxy", "java.util.BitSet", "java.util.PriorityQueue",
      
      "java.util.CollSer", "java.util.ImmutableCollections$List12", "java.util.ImmutableCollections$ListN",
      "java.util.ImmutableCollections$Set12", "java.util.ImmutableCollections$SetN",
      "java.util.ImmutableCollections$Map1", "java.util.ImmutableCollections$MapN", "java.util.Map$Entry",
      "java.util.EnumSet", "java.util.RegularEnumSet", "java.util.JumboEnumSet", "java.util.Arrays$ArrayList", "java.util.Collections$EmptyList",
      "java.util.Collections$EmptySet", "java.util.Collections$EmptyMap", "java.util.Collections$SingletonList",
      "java.util.Collections$SingletonSet", "java.util.Collections$SingletonMap",
      "java.util.Collections$UnmodifiableCollection", "java.util.Collections$UnmodifiableList",
      "java.util.Collections$UnmodifiableRandomAccessList", "java.util.Collections$UnmodifiableSet",
      "java.util.Collections$UnmodifiableSortedSet", "java.util.Collections$UnmodifiableNavigableSet",
      "java.util.Collections$UnmodifiableMap", "java.util.Collections$UnmodifiableSortedMap",
      "java.util.Collections$UnmodifiableNavigableMap", "java.util.Collections$SynchronizedCollection",
      "java.util.Collections$SynchronizedList", "java.util.Collections$SynchronizedRandomAccessList",
      "java.util.Collections$SynchronizedSet", "java.util.Collections$SynchronizedMap",
      "java.util.Collections$ReverseComparator", "java.util.Collections$ReverseComparator2",
      "java.util.concurrent.ConcurrentHashMap", "java.util.concurrent.ConcurrentHashMap$Segment",
      "java.util.concurrent.locks.ReentrantLock", "java.util.concurrent.locks.ReentrantLock$Sync",
      "java.util.concurrent.locks.ReentrantLock$NonfairSync", "java.util.concurrent.locks.AbstractQueuedSynchronizer",
      "java.util.concurrent.locks.AbstractOwnableSynchronizer",
      "java.util.concurrent.CopyOnWriteArrayList", "java.util.concurrent.CopyOnWriteArraySet",
      "java.util.concurrent.ConcurrentSkipListMap", "java.util.concurrent.ConcurrentSkipListSet",
      "java.util.concurrent.ConcurrentLinkedQueue",
      "java.util.Date", "java.util.UUID", "java.util.Locale", "java.util.Currency", "java.util.Calendar",
      "java.util.GregorianCalendar", "java.util.TimeZone", "java.util.SimpleTimeZone", "sun.util.calendar.ZoneInfo",
      "java.sql.Timestamp", "java.sql.Date", "java.sql.Time",
      "java.time.Ser", "java.time.zone.Ser", "java.time.Instant", "java.time.LocalDate", "java.time.LocalTime",
      "java.time.LocalDateTime", "java.time.OffsetDateTime", "java.time.OffsetTime", "java.time.ZonedDateTime",
      "java.time.ZoneOffset", "java.time.ZoneRegion", "java.time.Duration", "java.time.Period", "java.time.Year",
      "java.time.YearMonth", "java.time.MonthDay", "java.time.DayOfWeek", "java.time.Month");

  static final int ARRAY_BYTES_PER_STREAM_BYTE = 32;
  static final int ARRAY_SLACK = 64 * 1024;

  private final Predicate<String> allowed;
  private final int maxDepth;

  private SerializationFilter(Predicate<String> allowed, int maxDepth) {
    this.allowed = allowed;
    this.maxDepth = maxDepth;
  }

  /**
   * The filter for an allow-list.
   *
   * @param allow extra patterns, separated by {@code ;} or {@code ,}: {@code pkg.*} a package's classes,
   *     {@code pkg.**} also its subpackages, {@code prefix*} any name so starting, anything else an exact name
   * @param maxDepth how deep objects may nest
   */
  public static SerializationFilter create(String allow, int maxDepth) {
    return new SerializationFilter(classNames(allow), maxDepth);
  }

  /** Whether the allow-list admits a class of this name (checked before loading it: loading can run code). */
  public boolean allows(String className) {
    return allowed.test(className);
  }

  /** A fresh filter for one stream of {@code streamBytes} bytes (it counts what the stream has cost so far). */
  Budget forStream(long streamBytes) {
    return new Budget(streamBytes);
  }

  /**
   * The allow-list as a predicate on class names, for a class known only by name: lets the compact format check an
   * enum's class before loading it. Module-qualified patterns match nothing.
   */
  public static Predicate<String> classNames(String allow) {
    List<Predicate<String>> matchers = new ArrayList<>();
    matchers.add(JDK_VALUE_TYPES::contains);
    for (String p : userPatterns(allow)) {
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

  /** The filter of one stream; remembers why it rejected, for the log. */
  final class Budget implements ObjectInputFilter {
    private final long streamBytes;
    private final long arrayBytesLimit;
    private long arrayBytes;
    private String rejection;

    Budget(long streamBytes) {
      this.streamBytes = streamBytes;
      this.arrayBytesLimit = ARRAY_SLACK + ARRAY_BYTES_PER_STREAM_BYTE * streamBytes;
    }

    /** Why the stream was rejected, with control characters escaped; null if it was not. */
    String rejection() {
      return rejection;
    }

    @Override
    public Status checkInput(FilterInfo info) {
      if (info.depth() > maxDepth) {
        return reject("nesting deeper than " + maxDepth + " (" + MemcachedSettings.MAX_DEPTH + ")");
      }
      if (info.references() > streamBytes) {
        return reject("more than " + streamBytes + " objects in a " + streamBytes + "-byte stream");
      }
      Class<?> type = info.serialClass();
      if (type == null) {
        return Status.UNDECIDED;
      }
      Class<?> component = type;
      while (component.isArray()) {
        component = component.getComponentType();
      }
      if (!component.isPrimitive() && !allowed.test(component.getName())) {
        return reject("class " + LogSafe.escape(component.getName()) + " is not in "
            + MemcachedSettings.SERIALIZATION_ALLOW);
      }
      if (type.isArray() && info.arrayLength() >= 0) {
        arrayBytes += info.arrayLength() * elementBytes(type.getComponentType());
        if (arrayBytes > arrayBytesLimit) {
          return reject("arrays of " + arrayBytes + " bytes in a " + streamBytes + "-byte stream (at most "
              + arrayBytesLimit + ")");
        }
      }
      return Status.ALLOWED;
    }

    /**
     * Checks a class name from the stream before it is loaded.
     *
     * @throws InvalidClassException if the allow-list does not admit it (arrays: their element type)
     */
    void checkName(String name) throws java.io.InvalidClassException {
      String element = name;
      int dims = 0;
      while (dims < element.length() && element.charAt(dims) == '[') {
        dims++;
      }
      if (dims > 0) {
        element = element.substring(dims);
        if (element.length() == 1) {
          return; // a primitive array
        }
        if (!element.startsWith("L") || !element.endsWith(";")) {
          throw rejected("a malformed array class " + LogSafe.escape(name));
        }
        element = element.substring(1, element.length() - 1);
      }
      if (!allowed.test(element)) {
        throw rejected("class " + LogSafe.escape(element) + " is not in " + MemcachedSettings.SERIALIZATION_ALLOW);
      }
    }

    /** Records {@code why} and returns the exception that makes the stream stop. */
    java.io.InvalidClassException rejected(String why) {
      reject(why);
      return new java.io.InvalidClassException("filter status: REJECTED");
    }

    private Status reject(String why) {
      if (rejection == null) {
        rejection = why;
      }
      return Status.REJECTED;
    }

    private static long elementBytes(Class<?> component) {
      if (component == byte.class || component == boolean.class) {
        return 1;
      }
      if (component == short.class || component == char.class) {
        return 2;
      }
      if (component == int.class || component == float.class) {
        return 4;
      }
      return 8;
    }
  }
}
