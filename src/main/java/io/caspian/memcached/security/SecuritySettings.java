package io.caspian.memcached.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the value-signing secrets come from (see {@link ValueSigner}): a property, a file named by a property, or an
 * environment variable, first found wins. A secret is its UTF-8 bytes (a file's content without surrounding
 * whitespace); it must be at least {@value #MIN_SECRET_BYTES} bytes, since a short one could be guessed offline from
 * any item read off memcached.
 */
public final class SecuritySettings {
  /** The secret values are signed with. */
  public static final String KEY = "caspian.security.key";
  /** A file holding {@link #KEY}. */
  public static final String KEY_FILE = "caspian.security.key-file";
  /** A secret still accepted on read while every node moves to a new {@link #KEY}. */
  public static final String PREVIOUS_KEY = "caspian.security.previous-key";
  /** A file holding {@link #PREVIOUS_KEY}. */
  public static final String PREVIOUS_KEY_FILE = "caspian.security.previous-key-file";
  /**
   * Whether unsigned values are read too ({@code true}/{@code false}, default false): only while turning signing on
   * in a running cluster, so that nodes with the secret read what nodes without it still write.
   */
  public static final String ACCEPT_UNSIGNED = "caspian.security.accept-unsigned";
  /** Environment variable consulted for {@link #KEY} when neither property is set. */
  public static final String KEY_ENV = "CASPIAN_SECURITY_KEY";
  /** Environment variable consulted for {@link #PREVIOUS_KEY} when neither property is set. */
  public static final String PREVIOUS_KEY_ENV = "CASPIAN_SECURITY_PREVIOUS_KEY";
  public static final int MIN_SECRET_BYTES = 16;

  private SecuritySettings() {}

  /**
   * The current secret, from {@code lookup} (properties, then system properties) or the environment. Internal, for
   * {@link io.caspian.memcached.MemcachedSettings#fromProperties}.
   */
  public static Optional<byte[]> currentSecret(Function<String, Optional<String>> lookup) {
    return secret(lookup, KEY, KEY_FILE, KEY_ENV);
  }

  /** The previous secret, likewise (internal). */
  public static Optional<byte[]> previousSecret(Function<String, Optional<String>> lookup) {
    return secret(lookup, PREVIOUS_KEY, PREVIOUS_KEY_FILE, PREVIOUS_KEY_ENV);
  }

  /**
   * Resolves one secret.
   *
   * @throws IllegalArgumentException if the file cannot be read or the secret is too short (naming the setting,
   *     never the secret)
   */
  static Optional<byte[]> secret(Function<String, Optional<String>> lookup, String key, String fileKey, String env) {
    Optional<String> literal = lookup.apply(key);
    Optional<String> file = lookup.apply(fileKey);
    if (literal.isPresent() && file.isPresent()) {
      throw new IllegalArgumentException("set " + key + " or " + fileKey + ", not both");
    }
    String source = key;
    String value = literal.orElse(null);
    if (file.isPresent()) {
      source = fileKey + " (" + file.get() + ")";
      try {
        value = Files.readString(Path.of(file.get()), StandardCharsets.UTF_8).strip();
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("cannot read " + source + ": " + e.getMessage(), e);
      }
    } else if (value == null) {
      source = "environment variable " + env;
      value = Optional.ofNullable(System.getenv(env)).map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
    }
    if (value == null) {
      return Optional.empty();
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(source + " is " + bytes.length + " bytes; a signing secret needs at least "
          + MIN_SECRET_BYTES + " (e.g. `openssl rand -base64 32`)");
    }
    return Optional.of(bytes);
  }
}
