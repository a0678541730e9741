package io.caspian.memcached.codec;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The value tags of the compact format ({@link ValueCodec} format tags 3 and 4), in one place because they are a
 * wire format shared by every JVM of a cluster: a tag, once released, never changes meaning.
 *
 * <p>Every value is one tag byte, then its payload. "varint" is an unsigned LEB128 number, "zigzag" a signed one
 * (ZigZag then LEB128), "string" a varint byte count then that many bytes of modified UTF-8 (every {@code char} on
 * its own, lone surrogates included, so that any Java string round-trips), "count" a varint no larger than the
 * bytes left.
 *
 * <table>
 *   <caption>Tags</caption>
 *   <tr><th>tag</th><th>type</th><th>payload</th></tr>
 *   <tr><td>0</td><td>null</td><td>none</td></tr>
 *   <tr><td>1, 2</td><td>Boolean true, false</td><td>none</td></tr>
 *   <tr><td>3</td><td>Byte</td><td>1 byte</td></tr>
 *   <tr><td>4, 5, 6</td><td>Short, Integer, Long</td><td>zigzag</td></tr>
 *   <tr><td>7, 8</td><td>Float, Double</td><td>4, 8 bytes big-endian raw IEEE bits</td></tr>
 *   <tr><td>9</td><td>Character</td><td>varint</td></tr>
 *   <tr><td>10</td><td>String</td><td>string</td></tr>
 *   <tr><td>11</td><td>byte[]</td><td>count, bytes</td></tr>
 *   <tr><td>12</td><td>BigInteger</td><td>count, two's complement bytes</td></tr>
 *   <tr><td>13</td><td>BigDecimal</td><td>zigzag scale, count, unscaled two's complement bytes</td></tr>
 *   <tr><td>14</td><td>UUID</td><td>16 bytes</td></tr>
 *   <tr><td>15</td><td>Instant</td><td>zigzag seconds, varint nanos</td></tr>
 *   <tr><td>16</td><td>LocalDate</td><td>zigzag epoch day</td></tr>
 *   <tr><td>17</td><td>LocalTime</td><td>varint nano of day</td></tr>
 *   <tr><td>18</td><td>LocalDateTime</td><td>zigzag epoch day, varint nano of day</td></tr>
 *   <tr><td>19</td><td>OffsetDateTime</td><td>as LocalDateTime, then zigzag offset seconds</td></tr>
 *   <tr><td>20</td><td>Duration</td><td>zigzag seconds, varint nanos</td></tr>
 *   <tr><td>21</td><td>java.util.Date (exactly)</td><td>zigzag epoch millis</td></tr>
 *   <tr><td>22</td><td>java.sql.Timestamp</td><td>zigzag epoch millis, varint nanos</td></tr>
 *   <tr><td>23, 24</td><td>java.sql.Date, java.sql.Time</td><td>zigzag epoch millis</td></tr>
 *   <tr><td>25</td><td>enum constant</td><td>string class name, string constant name; the class must pass the
 *       allow-list before it is loaded</td></tr>
 *   <tr><td>26</td><td>Object[] (exactly)</td><td>count, values</td></tr>
 *   <tr><td>27</td><td>Serializable[] (exactly)</td><td>count, values</td></tr>
 *   <tr><td>28</td><td>anything else</td><td>count, a Java serialization stream, read through the allow-list
 *       filter</td></tr>
 *   <tr><td>29</td><td>a {@link TypeAdapter}'s type</td><td>varint type id, the adapter's fields</td></tr>
 *   <tr><td>30</td><td>java.net.URL</td><td>string, its external form (read back without name lookups; Java
 *       serialization would leave it to the allow-list, which no longer admits it: a {@code URL} hashed while
 *       deserializing resolves its host)</td></tr>
 *   <tr><td>31</td><td>java.net.URI</td><td>string</td></tr>
 * </table>
 */
final class CompactFormat {
  static final int NULL = 0;
  static final int TRUE = 1;
  static final int FALSE = 2;
  static final int BYTE = 3;
  static final int SHORT = 4;
  static final int INT = 5;
  static final int LONG = 6;
  static final int FLOAT = 7;
  static final int DOUBLE = 8;
  static final int CHAR = 9;
  static final int STRING = 10;
  static final int BYTES = 11;
  static final int BIG_INTEGER = 12;
  static final int BIG_DECIMAL = 13;
  static final int UUID_TAG = 14;
  static final int INSTANT = 15;
  static final int LOCAL_DATE = 16;
  static final int LOCAL_TIME = 17;
  static final int LOCAL_DATE_TIME = 18;
  static final int OFFSET_DATE_TIME = 19;
  static final int DURATION = 20;
  static final int DATE = 21;
  static final int SQL_TIMESTAMP = 22;
  static final int SQL_DATE = 23;
  static final int SQL_TIME = 24;
  static final int ENUM = 25;
  static final int OBJECT_ARRAY = 26;
  static final int SERIALIZABLE_ARRAY = 27;
  static final int JAVA = 28;
  static final int ADAPTED = 29;
  static final int URL_TAG = 30;
  static final int URI_TAG = 31;

  /**
   * How deep arrays and adapted values may nest, writing and reading alike: a crafted item cannot make the reader
   * recurse into a stack overflow, and nothing is written that could not be read. The same bound as the Java
   * serialization filter's.
   */
  static final int MAX_DEPTH = 64;

  /** The tag of each built-in class whose values are matched by exact class. */
  static final Map<Class<?>, Integer> BUILT_IN = new IdentityHashMap<>();

  static {
    BUILT_IN.put(Boolean.class, TRUE);
    BUILT_IN.put(Byte.class, BYTE);
    BUILT_IN.put(Short.class, SHORT);
    BUILT_IN.put(Integer.class, INT);
    BUILT_IN.put(Long.class, LONG);
    BUILT_IN.put(Float.class, FLOAT);
    BUILT_IN.put(Double.class, DOUBLE);
    BUILT_IN.put(Character.class, CHAR);
    BUILT_IN.put(String.class, STRING);
    BUILT_IN.put(byte[].class, BYTES);
    BUILT_IN.put(BigInteger.class, BIG_INTEGER);
    BUILT_IN.put(BigDecimal.class, BIG_DECIMAL);
    BUILT_IN.put(UUID.class, UUID_TAG);
    BUILT_IN.put(Instant.class, INSTANT);
    BUILT_IN.put(LocalDate.class, LOCAL_DATE);
    BUILT_IN.put(LocalTime.class, LOCAL_TIME);
    BUILT_IN.put(LocalDateTime.class, LOCAL_DATE_TIME);
    BUILT_IN.put(OffsetDateTime.class, OFFSET_DATE_TIME);
    BUILT_IN.put(Duration.class, DURATION);
    BUILT_IN.put(java.util.Date.class, DATE);
    BUILT_IN.put(java.sql.Timestamp.class, SQL_TIMESTAMP);
    BUILT_IN.put(java.sql.Date.class, SQL_DATE);
    BUILT_IN.put(java.sql.Time.class, SQL_TIME);
    BUILT_IN.put(Object[].class, OBJECT_ARRAY);
    BUILT_IN.put(Serializable[].class, SERIALIZABLE_ARRAY);
    BUILT_IN.put(java.net.URL.class, URL_TAG);
    BUILT_IN.put(java.net.URI.class, URI_TAG);
  }

  private CompactFormat() {}
}
