package io.caspian.memcached.codec;

import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Writes values of one class in the compact format of {@link ValueCodec} and reads them back, so that a type the
 * transport does not know (Hibernate's cache entries, Caspian's region states) is stored without Java serialization.
 *
 * <p>The {@link #typeId() type id} is part of the wire format: every JVM sharing a namespace must map it to the same
 * class and the same layout. A changed layout needs a new id (the old one can stay registered to read old items).
 *
 * @param <T> the class handled: only values of exactly this class use the adapter (subclasses fall back)
 */
public interface TypeAdapter<T> {

  /** The stable id written before the value; positive. */
  int typeId();

  /** The exact class of the values this adapter writes. */
  Class<T> type();

  /**
   * Whether this adapter writes {@code value}; when not, it is written as any unknown value (Java serialization).
   * For values whose shape the adapter cannot represent (e.g. a field of an unexpected kind).
   */
  default boolean handles(T value) {
    return true;
  }

  /**
   * Writes {@code value}'s fields.
   *
   * @throws CodecException if a field cannot be written
   */
  void write(T value, CompactOutput out);

  /**
   * Reads the fields {@link #write} wrote, in the same order, and builds the value.
   *
   * @throws CodecException if the bytes are not such fields or do not make a valid value
   */
  T read(CompactInput in);

  /** An adapter made of a writer and a reader. */
  static <T> TypeAdapter<T> of(int typeId, Class<T> type, BiConsumer<T, CompactOutput> writer,
      Function<CompactInput, T> reader) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(writer, "writer");
    Objects.requireNonNull(reader, "reader");
    if (typeId <= 0) {
      throw new IllegalArgumentException("type id of " + type.getName() + " must be positive: " + typeId);
    }
    return new TypeAdapter<>() {
      @Override
      public int typeId() {
        return typeId;
      }

      @Override
      public Class<T> type() {
        return type;
      }

      @Override
      public void write(T value, CompactOutput out) {
        writer.accept(value, out);
      }

      @Override
      public T read(CompactInput in) {
        return reader.apply(in);
      }

      @Override
      public String toString() {
        return "TypeAdapter[" + typeId + " " + type.getName() + "]";
      }
    };
  }
}
