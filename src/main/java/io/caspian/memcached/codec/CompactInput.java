package io.caspian.memcached.codec;

import static io.caspian.memcached.codec.CompactFormat.*;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Reads the compact format (see {@link CompactFormat}) from bytes that may have been written by anyone who can
 * reach memcached: every length is checked against the bytes left before anything is allocated, and nesting is
 * bounded, so crafted bytes fail fast with a {@link CodecException} instead of exhausting memory or the stack.
 */
public final class CompactInput {
  private final byte[] bytes;
  private final int limit;
  private final ValueCodec codec;
  private final ClassLoader classLoader;
  private int position;
  private int depth;

  CompactInput(byte[] bytes, int offset, int limit, ValueCodec codec, ClassLoader classLoader) {
    this.bytes = bytes;
    this.position = offset;
    this.limit = limit;
    this.codec = codec;
    this.classLoader = classLoader;
  }

  /**
   * Reads a value written by {@link CompactOutput#writeValue}.
   *
   * @throws RejectedClassException if it names a class the allow-list does not admit
   * @throws CodecException if the bytes are not such a value
   */
  public Object readValue() {
    int tag = readByte() & 0xff;
    return switch (tag) {
      case NULL -> null;
      case TRUE -> Boolean.TRUE;
      case FALSE -> Boolean.FALSE;
      case BYTE -> readByte();
      case SHORT -> {
        int value = readInt();
        if (value != (short) value) {
          throw new CodecException("corrupt compact value: short out of range " + value);
        }
        yield (short) value;
      }
      case INT -> readInt();
      case LONG -> readLong();
      case FLOAT -> Float.intBitsToFloat((int) readFixed(4));
      case DOUBLE -> Double.longBitsToDouble(readFixedLong());
      case CHAR -> {
        long value = readVarLong();
        if (value < 0 || value > Character.MAX_VALUE) {
          throw new CodecException("corrupt compact value: char out of range " + value);
        }
        yield (char) value;
      }
      case STRING -> readString();
      case BYTES -> readBytes();
      case BIG_INTEGER -> new BigInteger(readNonEmptyBytes());
      case BIG_DECIMAL -> {
        int scale = readInt();
        yield new BigDecimal(new BigInteger(readNonEmptyBytes()), scale);
      }
      case UUID_TAG -> new UUID(readFixedLong(), readFixedLong());
      case INSTANT -> Instant.ofEpochSecond(readLong(), readNanos());
      case LOCAL_DATE -> LocalDate.ofEpochDay(readLong());
      case LOCAL_TIME -> LocalTime.ofNanoOfDay(readVarLong());
      case LOCAL_DATE_TIME -> readDateTime();
      case OFFSET_DATE_TIME -> {
        LocalDateTime time = readDateTime();
        yield OffsetDateTime.of(time, ZoneOffset.ofTotalSeconds(readInt()));
      }
      case DURATION -> Duration.ofSeconds(readLong(), readNanos());
      case DATE -> new java.util.Date(readLong());
      case SQL_DATE -> new java.sql.Date(readLong());
      case SQL_TIME -> new java.sql.Time(readLong());
      case SQL_TIMESTAMP -> {
        java.sql.Timestamp timestamp = new java.sql.Timestamp(readLong());
        timestamp.setNanos(readNanos());
        yield timestamp;
      }
      case ENUM -> readEnum();
      case OBJECT_ARRAY -> readValues(new Object[readCount()]);
      case SERIALIZABLE_ARRAY -> readSerializables();
      case JAVA -> {
        int length = readCount();
        int start = position;
        position += length;
        yield codec.deserialize(bytes, start, length, classLoader);
      }
      case ADAPTED -> readAdapted();
      case URL_TAG -> readUrl();
      case URI_TAG -> {
        String text = readString();
        try {
          yield new java.net.URI(text);
        } catch (java.net.URISyntaxException e) {
          throw new CodecException("corrupt compact value: " + e.getMessage(), e);
        }
      }
      default -> throw new CodecException("corrupt compact value: unknown tag " + tag);
    };
  }

  /** Parses a URL's external form; parsing resolves no host name (only equals and hashCode would). */
  @SuppressWarnings("deprecation") // URI.toURL refuses URLs that are not URIs, which a URL may well be
  private java.net.URL readUrl() {
    String text = readString();
    try {
      return new java.net.URL(text);
    } catch (java.net.MalformedURLException e) {
      throw new CodecException("corrupt compact value: " + e.getMessage(), e);
    }
  }

  /** Reads a boolean written by {@link CompactOutput#writeBoolean}. */
  public boolean readBoolean() {
    int value = readByte();
    if (value != 0 && value != 1) {
      throw new CodecException("corrupt compact value: boolean " + value);
    }
    return value == 1;
  }

  /** Reads an int written by {@link CompactOutput#writeInt}. */
  public int readInt() {
    long zigzag = readVarLong();
    if (zigzag >>> 32 != 0) {
      throw new CodecException("corrupt compact value: int out of range");
    }
    int v = (int) zigzag;
    return (v >>> 1) ^ -(v & 1);
  }

  /** Reads a long written by {@link CompactOutput#writeLong}. */
  public long readLong() {
    long zigzag = readVarLong();
    return (zigzag >>> 1) ^ -(zigzag & 1);
  }

  /** Reads a long written by {@link CompactOutput#writeFixedLong}. */
  public long readFixedLong() {
    return readFixed(8);
  }

  /**
   * Reads a count written by {@link CompactOutput#writeCount}: never more than the bytes left, since each counted
   * thing takes at least one byte, so a caller may allocate that many slots without trusting the writer.
   */
  public int readCount() {
    long count = readVarLong();
    if (count < 0 || count > limit - position) {
      throw new CodecException("corrupt compact value: count " + count + " with " + (limit - position)
          + " bytes left");
    }
    return (int) count;
  }

  /** Reads a string written by {@link CompactOutput#writeString}. */
  public String readString() {
    int length = readCount();
    char[] chars = new char[length];
    int end = position + length;
    int n = 0;
    while (position < end) {
      int b = bytes[position++] & 0xff;
      if (b < 0x80) {
        chars[n++] = (char) b;
      } else if ((b & 0xe0) == 0xc0) {
        chars[n++] = (char) (((b & 0x1f) << 6) | continuation(end));
      } else if ((b & 0xf0) == 0xe0) {
        int middle = continuation(end);
        chars[n++] = (char) (((b & 0x0f) << 12) | (middle << 6) | continuation(end));
      } else {
        throw new CodecException("corrupt compact value: malformed string");
      }
    }
    return new String(chars, 0, n);
  }

  /**
   * Reads the elements {@link CompactOutput#writeValues} wrote into an array that the caller made from
   * {@link #readCount()}; returns it.
   */
  public <T> T[] readValues(T[] into) {
    enter();
    for (int i = 0; i < into.length; i++) {
      Object value = readValue();
      try {
        @SuppressWarnings("unchecked")
        T element = (T) into.getClass().getComponentType().cast(value);
        into[i] = element;
      } catch (ClassCastException e) {
        throw new CodecException("corrupt compact value: " + value.getClass().getName() + " in a "
            + into.getClass().getComponentType().getName() + " array");
      }
    }
    depth--;
    return into;
  }

  /** Reads what {@link CompactOutput#writeValues} wrote as a {@code Serializable[]}. */
  public Serializable[] readSerializables() {
    return readValues(new Serializable[readCount()]);
  }

  boolean atEnd() {
    return position == limit;
  }

  private Object readAdapted() {
    long typeId = readVarLong();
    TypeAdapter<?> adapter = typeId < 0 || typeId > Integer.MAX_VALUE ? null : codec.adapters().forId((int) typeId);
    if (adapter == null) {
      throw new CodecException("compact value of unknown type id " + typeId
          + " (is every node registering the same type adapters?)");
    }
    enter();
    Object value = adapter.read(this);
    depth--;
    return value;
  }

  private Object readEnum() {
    String className = readString();
    String constant = readString();
    Class<?> type = codec.enumClass(className, classLoader);
    try {
      @SuppressWarnings({"unchecked", "rawtypes"})
      Object value = Enum.valueOf((Class) type, constant);
      return value;
    } catch (IllegalArgumentException e) {
      throw new CodecException("enum " + className + " has no constant " + constant, e);
    }
  }

  private LocalDateTime readDateTime() {
    LocalDate date = LocalDate.ofEpochDay(readLong());
    return LocalDateTime.of(date, LocalTime.ofNanoOfDay(readVarLong()));
  }

  private int readNanos() {
    long nanos = readVarLong();
    if (nanos < 0 || nanos > 999_999_999L) {
      throw new CodecException("corrupt compact value: nanos " + nanos);
    }
    return (int) nanos;
  }

  private byte[] readBytes() {
    int length = readCount();
    byte[] result = new byte[length];
    System.arraycopy(bytes, position, result, 0, length);
    position += length;
    return result;
  }

  private byte[] readNonEmptyBytes() {
    byte[] result = readBytes();
    if (result.length == 0) {
      throw new CodecException("corrupt compact value: empty number");
    }
    return result;
  }

  private int continuation(int end) {
    if (position >= end) {
      throw new CodecException("corrupt compact value: truncated string");
    }
    int b = bytes[position++] & 0xff;
    if ((b & 0xc0) != 0x80) {
      throw new CodecException("corrupt compact value: malformed string");
    }
    return b & 0x3f;
  }

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw new CodecException("corrupt compact value: nested deeper than " + MAX_DEPTH);
    }
  }

  private byte readByte() {
    if (position >= limit) {
      throw new CodecException("corrupt compact value: truncated");
    }
    return bytes[position++];
  }

  private long readFixed(int count) {
    if (limit - position < count) {
      throw new CodecException("corrupt compact value: truncated");
    }
    long value = 0;
    for (int i = 0; i < count; i++) {
      value = (value << 8) | (bytes[position++] & 0xff);
    }
    return value;
  }

  private long readVarLong() {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte();
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        if (shift == 63 && (b & 0x7e) != 0) {
          throw new CodecException("corrupt compact value: varint overflow");
        }
        return value;
      }
    }
    throw new CodecException("corrupt compact value: varint longer than 10 bytes");
  }
}
