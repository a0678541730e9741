package io.caspian.memcached;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * Turns values into bytes and back, by value: Java serialization, deflated above a threshold, read back only through
 * the {@link SerializationFilter} allow-list and with a class loader of the caller's choosing.
 *
 * <p>Format: one tag byte ({@code 1} plain, {@code 2} deflated), then the serialization stream. Any other first
 * byte is a {@link CodecException}: bytes written by something else are never handed to the deserializer.
 */
public final class ValueCodec {
  private static final byte PLAIN = 1;
  private static final byte DEFLATED = 2;

  private final ObjectInputFilter filter;
  private final int compressionThreshold;
  private final long maxInflatedBytes;

  public ValueCodec(MemcachedSettings settings) {
    this(settings.serializationAllow(), settings.compressionThreshold(), settings.maxValueBytes());
  }

  public ValueCodec(String allow, int compressionThreshold, int maxValueBytes) {
    // a deflated item may legitimately expand a lot, but not without bound (a crafted item must not exhaust memory)
    this.maxInflatedBytes = Math.max(64L * 1024 * 1024, 32L * maxValueBytes);
    this.filter = SerializationFilter.create(allow, maxInflatedBytes);
    this.compressionThreshold = compressionThreshold;
  }

  /**
   * Serializes a value.
   *
   * @throws CodecException if the value (or something it references) is not serializable
   */
  public byte[] encode(Object value) {
    byte[] plain = serialize(value);
    if (compressionThreshold > 0 && plain.length > compressionThreshold) {
      byte[] deflated = deflate(plain);
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
   * Deserializes bytes written by {@link #encode}.
   *
   * @throws RejectedClassException if the stream names a class the allow-list does not admit
   * @throws CodecException if the bytes are not a value written by this codec
   */
  public Object decode(byte[] bytes, ClassLoader classLoader) {
    if (bytes == null || bytes.length < 2) {
      throw new CodecException("not a Caspian value: " + (bytes == null ? "null" : bytes.length + " bytes"));
    }
    InputStream in = new ByteArrayInputStream(bytes, 1, bytes.length - 1);
    if (bytes[0] == DEFLATED) {
      in = new InflaterInputStream(in);
    } else if (bytes[0] != PLAIN) {
      throw new CodecException("not a Caspian value: unknown format tag " + bytes[0]);
    }
    try (ObjectInputStream ois = new LoaderObjectInputStream(in, classLoader)) {
      ois.setObjectInputFilter(filter);
      return ois.readObject();
    } catch (InvalidClassException e) {
      if (e.getMessage() != null && e.getMessage().contains("REJECTED")) {
        throw new RejectedClassException("class not allowed by " + MemcachedSettings.SERIALIZATION_ALLOW + ": "
            + e.getMessage(), e);
      }
      throw new CodecException("cannot deserialize: " + e.getMessage(), e);
    } catch (ClassNotFoundException e) {
      throw new CodecException("cannot deserialize, class not found: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new CodecException("cannot deserialize: " + e, e);
    }
  }

  private static byte[] serialize(Object value) {
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

  private static byte[] deflate(byte[] plain) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(plain.length / 2 + 16);
    bytes.write(DEFLATED);
    try (OutputStream out = new DeflaterOutputStream(bytes)) {
      out.write(plain);
    } catch (IOException e) {
      throw new CodecException("cannot compress", e);
    }
    return bytes.toByteArray();
  }

  /** Resolves classes through the cache's class loader, as JSR-107 requires, falling back to the default. */
  private static final class LoaderObjectInputStream extends ObjectInputStream {
    private final ClassLoader classLoader;

    LoaderObjectInputStream(InputStream in, ClassLoader classLoader) throws IOException {
      super(in);
      this.classLoader = classLoader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      if (classLoader != null) {
        try {
          return Class.forName(desc.getName(), false, classLoader);
        } catch (ClassNotFoundException e) {
          // primitives and JDK classes resolve below
        }
      }
      return super.resolveClass(desc);
    }
  }
}
