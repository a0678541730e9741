package io.caspian.memcached.codec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable set of {@link TypeAdapter}s, one per class and per type id, that a {@link ValueCodec} consults for
 * values that are not built into its compact format.
 *
 * <p>A JCache {@code CacheManager} takes them from its properties under {@link #PROPERTY} (an instance of this class,
 * not a string); without it the manager writes the built-in types compactly and everything else with Java
 * serialization. Every JVM of a namespace must register the same adapters: a value written through an adapter is
 * a miss ({@link CodecException}) where its type id is unknown.
 */
public final class TypeAdapters {
  /** The cache manager property whose value is a {@code TypeAdapters} instance. */
  public static final String PROPERTY = "caspian.codec.adapters";

  /** No adapters: the built-in types only. */
  public static final TypeAdapters NONE = new TypeAdapters(List.of());

  private final List<TypeAdapter<?>> adapters;
  private final Map<Class<?>, TypeAdapter<?>> byClass = new HashMap<>();
  private final Map<Integer, TypeAdapter<?>> byId = new HashMap<>();

  private TypeAdapters(Collection<? extends TypeAdapter<?>> adapters) {
    this.adapters = List.copyOf(adapters);
    for (TypeAdapter<?> adapter : this.adapters) {
      if (adapter.typeId() <= 0) {
        throw new IllegalArgumentException(adapter + ": type id must be positive");
      }
      TypeAdapter<?> sameId = byId.putIfAbsent(adapter.typeId(), adapter);
      if (sameId != null) {
        throw new IllegalArgumentException("type id " + adapter.typeId() + " taken twice: " + sameId + ", " + adapter);
      }
      TypeAdapter<?> sameClass = byClass.putIfAbsent(adapter.type(), adapter);
      if (sameClass != null) {
        throw new IllegalArgumentException(adapter.type().getName() + " adapted twice: " + sameClass + ", " + adapter);
      }
    }
  }

  /**
   * The given adapters.
   *
   * @throws IllegalArgumentException if two share a type id or a class
   */
  public static TypeAdapters of(Collection<? extends TypeAdapter<?>> adapters) {
    return adapters.isEmpty() ? NONE : new TypeAdapters(adapters);
  }

  /** These adapters and {@code more}; same checks as {@link #of}. */
  public TypeAdapters with(Collection<? extends TypeAdapter<?>> more) {
    List<TypeAdapter<?>> all = new ArrayList<>(adapters);
    all.addAll(more);
    return of(all);
  }

  /**
   * The adapters configured in cache manager properties under {@link #PROPERTY}, {@link #NONE} when absent.
   *
   * @throws IllegalArgumentException if the property holds something other than a {@code TypeAdapters}
   */
  public static TypeAdapters from(Map<?, ?> properties) {
    Object value = properties == null ? null : properties.get(PROPERTY);
    if (value == null) {
      return NONE;
    }
    if (value instanceof TypeAdapters adapters) {
      return adapters;
    }
    throw new IllegalArgumentException(PROPERTY + " must be a " + TypeAdapters.class.getName() + " instance, not "
        + value.getClass().getName());
  }

  /** The adapters, in registration order. */
  public List<TypeAdapter<?>> list() {
    return adapters;
  }

  TypeAdapter<?> forClass(Class<?> type) {
    return byClass.get(type);
  }

  TypeAdapter<?> forId(int typeId) {
    return byId.get(typeId);
  }

  @Override
  public String toString() {
    return "TypeAdapters" + adapters;
  }
}
