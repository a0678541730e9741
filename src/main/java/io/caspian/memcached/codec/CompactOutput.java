package io.caspian.memcached.codec;

import static io.caspian.memcached.codec.CompactFormat.*;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.UUID;

/**
 * Writes values in the compact format (see {@link CompactFormat} for the tags) into a growing buffer. A
 * {@link TypeAdapter} gets one to write its value's fields; it writes nested values with {@link #writeValue}.
 */
public final class CompactOutput {
  private final TypeAdapters adapters;
  private byte[] buffer;
  private int size;
  private int depth;

  CompactOutput(TypeAdapters adapters, int capacity) {
    this.adapters = adapters;
    this.buffer = new byte[Math.max(16, capacity)];
  }

  /** Whether {@code value} is written without Java serialization at its top level. */
  static boolean isCompact(Object value, TypeAdapters adapters) {
    return value == null || BUILT_IN.containsKey(value.getClass()) || value instanceof Enum<?>
        || adapterFor(value, adapters) != null;
  }

  @SuppressWarnings("unchecked")
  private static TypeAdapter<?> adapterFor(Object value, TypeAdapters adapters) {
    TypeAdapter<Object> adapter = (TypeAdapter<Object>) adapters.forClass(value.getClass());
    return adapter != null && adapter.handles(value) ? adapter : null;
  }

  /**
   * Writes any value: a built-in type, an adapted one, or else its Java serialization.
   *
   * @throws CodecException if the value nests deeper than the format allows or is neither of those nor
   *     serializable
   */
  public void writeValue(Object value) {
    if (value == null) {
      writeTag(NULL);
      return;
    }
    Integer tag = BUILT_IN.get(value.getClass());
    if (tag != null) {
      writeBuiltIn(tag, value);
    } else if (value instanceof Enum<?> constant) {
      writeTag(ENUM);
      writeString(constant.getDeclaringClass().getName());
      writeString(constant.name());
    } else {
      TypeAdapter<?> adapter = adapterFor(value, adapters);
      if (adapter != null) {
        writeAdapted(adapter, value);
      } else {
        byte[] serialized = ValueCodec.serialize(value);
        writeTag(JAVA);
        writeCount(serialized.length);
        writeRaw(serialized, 0, serialized.length);
      }
    }
  }

  /** Writes a boolean as one byte. */
  public void writeBoolean(boolean value) {
    writeTag(value ? 1 : 0);
  }

  /** Writes an int as a zigzag varint: 1 byte for -64..63, at most 5. */
  public void writeInt(int value) {
    writeVarLong(Integer.toUnsignedLong((value << 1) ^ (value >> 31)));
  }

  /** Writes a long as a zigzag varint: 1 byte for -64..63, at most 10. */
  public void writeLong(long value) {
    writeVarLong((value << 1) ^ (value >> 63));
  }

  /** Writes a long as 8 bytes, for values that are random (ids) and would not shrink as a varint. */
  public void writeFixedLong(long value) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buffer[size++] = (byte) (value >>> shift);
    }
  }

  /** Writes the size of what follows (at least one byte per counted thing), as a varint. */
  public void writeCount(int count) {
    if (count < 0) {
      throw new CodecException("negative count " + count);
    }
    writeVarLong(count);
  }

  /** Writes a non-null string: its modified UTF-8 byte count, then the bytes. */
  public void writeString(String value) {
    int length = value.length();
    int bytes = length;
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (c >= 0x80) {
        bytes += c >= 0x800 ? 2 : 1;
      }
    }
    writeVarLong(bytes);
    ensure(bytes);
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        buffer[size++] = (byte) c;
      } else if (c < 0x800) {
        buffer[size++] = (byte) (0xc0 | (c >> 6));
        buffer[size++] = (byte) (0x80 | (c & 0x3f));
      } else {
        buffer[size++] = (byte) (0xe0 | (c >> 12));
        buffer[size++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        buffer[size++] = (byte) (0x80 | (c & 0x3f));
      }
    }
  }

  /** Writes the elements of an array as a count and values, without a tag or the array's class. */
  public void writeValues(Object[] values) {
    enter();
    writeCount(values.length);
    for (Object value : values) {
      writeValue(value);
    }
    depth--;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buffer, size);
  }

  int size() {
    return size;
  }

  void writeTag(int tag) {
    ensure(1);
    buffer[size++] = (byte) tag;
  }

  @SuppressWarnings("unchecked")
  private <T> void writeAdapted(TypeAdapter<T> adapter, Object value) {
    writeTag(ADAPTED);
    writeVarLong(adapter.typeId());
    enter();
    adapter.write((T) value, this);
    depth--;
  }

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw new CodecException("value nests deeper than " + MAX_DEPTH + " arrays or adapted values");
    }
  }

  private void writeBuiltIn(int tag, Object value) {
    switch (tag) {
      case TRUE -> writeTag((Boolean) value ? TRUE : FALSE);
      case BYTE -> {
        writeTag(BYTE);
        writeTag((Byte) value);
      }
      case SHORT -> {
        writeTag(SHORT);
        writeInt((Short) value);
      }
      case INT -> {
        writeTag(INT);
        writeInt((Integer) value);
      }
      case LONG -> {
        writeTag(LONG);
        writeLong((Long) value);
      }
      case FLOAT -> {
        writeTag(FLOAT);
        int bits = Float.floatToRawIntBits((Float) value);
        ensure(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
          buffer[size++] = (byte) (bits >>> shift);
        }
      }
      case DOUBLE -> {
        writeTag(DOUBLE);
        writeFixedLong(Double.doubleToRawLongBits((Double) value));
      }
      case CHAR -> {
        writeTag(CHAR);
        writeVarLong((Character) value);
      }
      case STRING -> {
        writeTag(STRING);
        writeString((String) value);
      }
      case BYTES -> {
        byte[] bytes = (byte[]) value;
        writeTag(BYTES);
        writeCount(bytes.length);
        writeRaw(bytes, 0, bytes.length);
      }
      case BIG_INTEGER -> {
        writeTag(BIG_INTEGER);
        writeTwosComplement(((BigInteger) value).toByteArray());
      }
      case BIG_DECIMAL -> {
        BigDecimal decimal = (BigDecimal) value;
        writeTag(BIG_DECIMAL);
        writeInt(decimal.scale());
        writeTwosComplement(decimal.unscaledValue().toByteArray());
      }
      case UUID_TAG -> {
        UUID uuid = (UUID) value;
        writeTag(UUID_TAG);
        writeFixedLong(uuid.getMostSignificantBits());
        writeFixedLong(uuid.getLeastSignificantBits());
      }
      case INSTANT -> {
        Instant instant = (Instant) value;
        writeTag(INSTANT);
        writeLong(instant.getEpochSecond());
        writeVarLong(instant.getNano());
      }
      case LOCAL_DATE -> {
        writeTag(LOCAL_DATE);
        writeLong(((LocalDate) value).toEpochDay());
      }
      case LOCAL_TIME -> {
        writeTag(LOCAL_TIME);
        writeVarLong(((LocalTime) value).toNanoOfDay());
      }
      case LOCAL_DATE_TIME -> {
        writeTag(LOCAL_DATE_TIME);
        writeDateTime((LocalDateTime) value);
      }
      case OFFSET_DATE_TIME -> {
        OffsetDateTime time = (OffsetDateTime) value;
        writeTag(OFFSET_DATE_TIME);
        writeDateTime(time.toLocalDateTime());
        writeInt(time.getOffset().getTotalSeconds());
      }
      case DURATION -> {
        Duration duration = (Duration) value;
        writeTag(DURATION);
        writeLong(duration.getSeconds());
        writeVarLong(duration.getNano());
      }
      case DATE, SQL_DATE, SQL_TIME -> {
        writeTag(tag);
        writeLong(((java.util.Date) value).getTime());
      }
      case SQL_TIMESTAMP -> {
        java.sql.Timestamp timestamp = (java.sql.Timestamp) value;
        writeTag(SQL_TIMESTAMP);
        writeLong(timestamp.getTime());
        writeVarLong(timestamp.getNanos());
      }
      case OBJECT_ARRAY, SERIALIZABLE_ARRAY -> {
        writeTag(tag);
        writeValues((Object[]) value);
      }
      case URL_TAG -> {
        writeTag(URL_TAG);
        writeString(((java.net.URL) value).toExternalForm());
      }
      case URI_TAG -> {
        writeTag(URI_TAG);
        writeString(value.toString());
      }
      default -> throw new IllegalStateException("built-in tag without a writer: " + tag);
    }
  }

  private void writeDateTime(LocalDateTime time) {
    writeLong(time.toLocalDate().toEpochDay());
    writeVarLong(time.toLocalTime().toNanoOfDay());
  }

  private void writeTwosComplement(byte[] bytes) {
    writeCount(bytes.length);
    writeRaw(bytes, 0, bytes.length);
  }

  private void writeVarLong(long value) {
    ensure(10);
    long v = value;
    while ((v & ~0x7fL) != 0) {
      buffer[size++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    buffer[size++] = (byte) v;
  }

  private void writeRaw(byte[] bytes, int offset, int length) {
    ensure(length);
    System.arraycopy(bytes, offset, buffer, size, length);
    size += length;
  }

  private void ensure(int more) {
    if (buffer.length - size < more) {
      long wanted = Math.max((long) buffer.length * 2, (long) size + more);
      if (wanted > Integer.MAX_VALUE - 8) {
        throw new CodecException("value too large for the compact format");
      }
      buffer = Arrays.copyOf(buffer, (int) wanted);
    }
  }
}
