/**
 * Values to bytes and back. {@link io.caspian.memcached.codec.ValueCodec} writes the types it knows in a compact
 * binary format ({@link io.caspian.memcached.codec.CompactFormat}, through
 * {@link io.caspian.memcached.codec.CompactOutput} and {@link io.caspian.memcached.codec.CompactInput}), other
 * types through {@link io.caspian.memcached.codec.TypeAdapter}s registered in a
 * {@link io.caspian.memcached.codec.TypeAdapters}, and everything else with Java serialization, read back only
 * through the {@link io.caspian.memcached.codec.SerializationFilter} allow-list. Bytes that cannot be decoded are a
 * {@link io.caspian.memcached.codec.CodecException} (a {@link io.caspian.memcached.codec.RejectedClassException}
 * when the allow-list refused a class), which readers treat as a miss.
 *
 * <p>Nothing here talks to memcached.
 */
package io.caspian.memcached.codec;
