package io.caspian.memcached.codec;

import io.caspian.memcached.LogSafe;
import io.caspian.memcached.MemcachedSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.util.Objects;
import java.util.zip.DataFormatException;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;

/**
 * Turns values into bytes and back, by value: a compact binary format for the types it knows, Java serialization
 * for the rest, deflated above a threshold; Java serialization is read back only through the
 * {@link SerializationFilter} allow-list and with a class loader of the caller's choosing.
 *
 * <p>Format: one tag byte, then the payload. {@code 1}: a Java serialization stream; {@code 2}: the same, deflated;
 * {@code 3}: a compact value ({@link CompactFormat}); {@code 4}: the same, deflated. A value whose own class is
 * neither built into the compact format nor handled by one of the codec's {@link TypeAdapters} is written as
 * {@code 1}/{@code 2}, as earlier versions did; inside a compact value such a value is embedded as a Java
 * serialization stream, read through the same filter. Any other first byte is a {@link CodecException}: bytes
 * written by something else are never handed to the deserializer.
 *
 * <p>A compact value is read without {@code ObjectInputStream} unless it embeds such a stream, and with every length
 * checked against the bytes left and bounded nesting, so a crafted item fails fast instead of allocating what its
 * length prefixes claim.
 */
public final class ValueCodec {
  private static final byte PLAIN = 1;
  private static final byte DEFLATED = 2;
  private static final byte COMPACT = 3;
  private static final byte COMPACT_DEFLATED = 4;

  private final SerializationFilter filter;
  private final TypeAdapters adapters;
  private final int compressionThreshold;
  private final long maxInflatedBytes;

  public ValueCodec(MemcachedSettings settings) {
    this(settings, TypeAdapters.NONE);
  }

  /** A codec that also writes the types of {@code adapters} compactly. */
  public ValueCodec(MemcachedSettings settings, TypeAdapters adapters) {
    this(settings.serializationAllow(), settings.compressionThreshold(), settings.maxValueBytes(), adapters,
        settings.maxDepth());
  }

  public ValueCodec(String allow, int compressionThreshold, int maxValueBytes) {
    this(allow, compressionThreshold, maxValueBytes, TypeAdapters.NONE);
  }

  public ValueCodec(String allow, int compressionThreshold, int maxValueBytes, TypeAdapters adapters) {
    this(allow, compressionThreshold, maxValueBytes, adapters, MemcachedSettings.builder().build().maxDepth());
  }

  private ValueCodec(String allow, int compressionThreshold, int maxValueBytes, TypeAdapters adapters, int maxDepth) {
    // a deflated item may legitimately expand a lot, but not without bound: 16 times the item limit is more than
    // cache values compress by, and far less than deflate's 1000:1 a crafted item can reach
    this.maxInflatedBytes = Math.max(1L << 20, 16L * maxValueBytes);
    this.filter = SerializationFilter.create(allow, maxDepth);
    this.adapters = Objects.requireNonNull(adapters, "adapters");
    this.compressionThreshold = compressionThreshold;
  }

  /** The adapters this codec writes and reads compactly. */
  public TypeAdapters adapters() {
    return adapters;
  }

  /**
   * Encodes a value: compactly when its class is built in or adapted, else with Java serialization.
   *
   * @throws CodecException if the value (or something it references) is neither compact nor serializable
   */
  public byte[] encode(Object value) {
    if (!CompactOutput.isCompact(value, adapters)) {
      return encodeSerialized(value);
    }
    CompactOutput out = new CompactOutput(adapters, 128);
    out.writeTag(COMPACT);
    out.writeValue(value);
    byte[] compact = out.toByteArray();
    // past what a reader inflates, a value stays as it is: too large to store, counted as oversized, not a value
    // that every reader would then refuse
    if (compressionThreshold > 0 && compact.length > compressionThreshold && compact.length <= maxInflatedBytes) {
      byte[] deflated = deflate(COMPACT_DEFLATED, compact, 1);
      if (deflated.length < compact.length) {
        return deflated;
      }
    }
    return compact;
  }

  /**
   * Encodes a value with Java serialization alone, as versions before the compact format did: a stable form for
   * hashing a key into its memcached key, unchanged by this format or by which adapters a node registers.
   *
   * @throws CodecException if the value (or something it references) is not serializable
   */
  public byte[] encodeSerialized(Object value) {
    byte[] plain = serialize(value);
    if (compressionThreshold > 0 && plain.length > compressionThreshold && plain.length <= maxInflatedBytes) {
      byte[] deflated = deflate(DEFLATED, plain, 0);
      if (deflated.length < plain.length) {
        return deflated;
      }
    }
    byte[] out = new byte[plain.length + 1];
    out[0] = PLAIN;
    System.arraycopy(plain, 0, out, 1, plain.length);
    return out;
  }

  /**
   * Decodes bytes written by {@link #encode} or {@link #encodeSerialized}, by this version or an earlier one.
   *
   * @throws RejectedClassException if the bytes name a class the allow-list does not admit
   * @throws CodecException if the bytes are not a value written by this codec
   */
  public Object decode(byte[] bytes, ClassLoader classLoader) {
    if (bytes == null || bytes.length < 2) {
      throw new CodecException("not a Caspian value: " + (bytes == null ? "null" : bytes.length + " bytes"));
    }
    try {
      return switch (bytes[0]) {
        case PLAIN -> deserialize(bytes, 1, bytes.length - 1, classLoader);
        case DEFLATED -> {
          byte[] inflated = inflate(bytes);
          yield deserialize(inflated, 0, inflated.length, classLoader);
        }
        case COMPACT -> decodeCompact(bytes, 1, bytes.length, classLoader);
        case COMPACT_DEFLATED -> {
          byte[] inflated = inflate(bytes);
          yield decodeCompact(inflated, 0, inflated.length, classLoader);
        }
        default -> throw new CodecException("not a Caspian value: unknown format tag " + bytes[0]);
      };
    } catch (StackOverflowError | OutOfMemoryError e) {
      // the budgets should make these unreachable; if bytes still manage it, they are a miss, not the caller's crash
      throw new CodecException("decoding exhausted the " + (e instanceof StackOverflowError ? "stack" : "heap")
          + " on a " + bytes.length + "-byte value", null);
    }
  }

  private Object decodeCompact(byte[] bytes, int offset, int limit, ClassLoader classLoader) {
    CompactInput in = new CompactInput(bytes, offset, limit, this, classLoader);
    Object value;
    try {
      value = in.readValue();
    } catch (CodecException e) {
      throw e;
    } catch (RuntimeException e) {
      // a constructor or factory refused what the bytes said (a date out of range, an adapter's invariant)
      throw new CodecException("corrupt compact value: " + e, e);
    }
    if (!in.atEnd()) {
      throw new CodecException("corrupt compact value: bytes after the value");
    }
    return value;
  }

  /** Reads a Java serialization stream embedded in a compact value, through the filter. */
  Object deserialize(byte[] bytes, int offset, int length, ClassLoader classLoader) {
    SerializationFilter.Budget budget = filter.forStream(length);
    try (ObjectInputStream ois = new LoaderObjectInputStream(new ByteArrayInputStream(bytes, offset, length),
        classLoader, budget)) {
      ois.setObjectInputFilter(budget);
      return ois.readObject();
    } catch (InvalidClassException e) {
      if (budget.rejection() != null) {
        throw new RejectedClassException("rejected: " + budget.rejection(), null);
      }
      throw new CodecException("cannot deserialize: " + LogSafe.escape(e.getMessage()), null);
    } catch (ClassNotFoundException e) {
      throw new CodecException("cannot deserialize, class not found: " + LogSafe.escape(e.getMessage()), null);
    } catch (IOException | RuntimeException e) {
      if (budget.rejection() != null) {
        throw new RejectedClassException("rejected: " + budget.rejection(), null);
      }
      throw new CodecException("cannot deserialize: " + LogSafe.escape(e.toString()), null);
    }
  }

  /**
   * The enum class named in a compact value, loaded only if the allow-list admits its name (loading a class can run
   * code, so the check comes first, as the serialization filter's does for streams).
   */
  Class<?> enumClass(String name, ClassLoader classLoader) {
    if (!filter.allows(name)) {
      throw new RejectedClassException("rejected: class " + LogSafe.escape(name) + " is not in "
          + MemcachedSettings.SERIALIZATION_ALLOW, null);
    }
    Class<?> type;
    try {
      type = Class.forName(name, false, classLoader != null ? classLoader : ValueCodec.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      try {
        type = Class.forName(name, false, ValueCodec.class.getClassLoader());
      } catch (ClassNotFoundException again) {
        throw new CodecException("cannot decode, class not found: " + name, again);
      }
    }
    if (!type.isEnum()) {
      throw new CodecException("corrupt compact value: " + name + " is not an enum");
    }
    return type;
  }

  /** Inflates a tag-2 or tag-4 item, refusing to grow past the bound a crafted item could otherwise push it to. */
  private byte[] inflate(byte[] bytes) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(bytes, 1, bytes.length - 1);
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(bytes.length * 4, 64 * 1024));
      byte[] chunk = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(chunk);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new CodecException("corrupt value: truncated deflate stream");
        }
        if (out.size() + n > maxInflatedBytes) {
          throw new CodecException("value inflates past " + maxInflatedBytes + " bytes");
        }
        out.write(chunk, 0, n);
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new CodecException("corrupt value: " + e.getMessage(), e);
    } finally {
      inflater.end();
    }
  }

  static byte[] serialize(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (ObjectOutputStream oos = new ObjectOutputStream(bytes)) {
      oos.writeObject(value);
    } catch (NotSerializableException e) {
      throw new CodecException("not serializable: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new CodecException("cannot serialize " + value.getClass().getName() + ": " + e, e);
    }
    return bytes.toByteArray();
  }

  /** {@code tag}, then {@code plain} from {@code offset} deflated. */
  private static byte[] deflate(byte tag, byte[] plain, int offset) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(plain.length / 2 + 16);
    bytes.write(tag);
    try (OutputStream out = new DeflaterOutputStream(bytes)) {
      out.write(plain, offset, plain.length - offset);
    } catch (IOException e) {
      throw new CodecException("cannot compress", e);
    }
    return bytes.toByteArray();
  }

  /**
   * Resolves classes through the cache's class loader, as JSR-107 requires, falling back to the default; but only
   * classes the allow-list admits, checked by name before loading (the filter itself runs after a class is
   * resolved, and loading a class a crafted stream names is already more than it should get). No proxy classes.
   */
  private static final class LoaderObjectInputStream extends ObjectInputStream {
    private final ClassLoader classLoader;
    private final SerializationFilter.Budget budget;

    LoaderObjectInputStream(InputStream in, ClassLoader classLoader, SerializationFilter.Budget budget)
        throws IOException {
      super(in);
      this.classLoader = classLoader;
      this.budget = budget;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      budget.checkName(desc.getName());
      if (classLoader != null) {
        try {
          return Class.forName(desc.getName(), false, classLoader);
        } catch (ClassNotFoundException e) {
          // primitives and JDK classes resolve below
        }
      }
      return super.resolveClass(desc);
    }

    @Override
    protected Class<?> resolveProxyClass(String[] interfaces) throws IOException {
      throw budget.rejected("a proxy class (" + LogSafe.escape(String.join(",", interfaces)) + ")");
    }
  }
}
