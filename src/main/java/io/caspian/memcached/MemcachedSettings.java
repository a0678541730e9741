package io.caspian.memcached;

import io.caspian.memcached.connection.TlsSettings;
import io.caspian.memcached.security.SecuritySettings;
import io.caspian.memcached.security.ValueSigner;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable transport configuration: which servers, how long an operation may take, how values are encoded and
 * how hard a CAS update tries. Built from {@link #fromProperties(Map)} or {@link #builder()}.
 *
 * <p>Property keys (all optional but the server list, which defaults to {@code 127.0.0.1:11211}):
 * <table>
 *   <caption>Transport properties</caption>
 *   <tr><th>key</th><th>default</th></tr>
 *   <tr><td>{@value #SERVERS}</td><td>127.0.0.1:11211</td></tr>
 *   <tr><td>{@value #NAMESPACE}</td><td>caspian</td></tr>
 *   <tr><td>{@value #TIMEOUT}</td><td>500 (ms)</td></tr>
 *   <tr><td>{@value #SASL_USERNAME} / {@value #SASL_PASSWORD}</td><td>none</td></tr>
 *   <tr><td>{@value #MAX_VALUE_BYTES}</td><td>1000000</td></tr>
 *   <tr><td>{@value #COMPRESSION_THRESHOLD}</td><td>16384 (bytes; 0 disables)</td></tr>
 *   <tr><td>{@value #SERIALIZATION_ALLOW}</td><td>none beyond the JDK value types</td></tr>
 *   <tr><td>{@value #CAS_MAX_ATTEMPTS}</td><td>100</td></tr>
 *   <tr><td>{@value #FAIL_OPEN}</td><td>false; true: a JCache cache whose server cannot be reached reads misses and
 *   skips plain writes (counted) instead of throwing; conditional operations still throw</td></tr>
 *   <tr><td>{@value #MAX_DEPTH}</td><td>16 (nesting of a Java-serialized value)</td></tr>
 *   <tr><td>{@value SecuritySettings#KEY} / {@value SecuritySettings#KEY_FILE} (or
 *       {@value SecuritySettings#KEY_ENV})</td><td>none: values unsigned</td></tr>
 *   <tr><td>{@value SecuritySettings#PREVIOUS_KEY} / {@value SecuritySettings#PREVIOUS_KEY_FILE} (or
 *       {@value SecuritySettings#PREVIOUS_KEY_ENV})</td><td>none</td></tr>
 *   <tr><td>{@value SecuritySettings#ACCEPT_UNSIGNED}</td><td>false</td></tr>
 *   <tr><td>{@value #TLS}</td><td>false; true encrypts every connection (memcached started with {@code -Z}), see
 *   {@link TlsSettings}</td></tr>
 *   <tr><td>{@value #TLS_CA_FILE}</td><td>none: PEM file of the certificates (CA or self-signed) to trust</td></tr>
 *   <tr><td>{@value #TLS_TRUST_STORE} / {@value #TLS_TRUST_STORE_PASSWORD} / {@value #TLS_TRUST_STORE_TYPE}</td>
 *   <td>none / none / PKCS12: a key store of certificates to trust instead; with neither, the JDK's default
 *   trust store</td></tr>
 *   <tr><td>{@value #TLS_KEY_STORE} / {@value #TLS_KEY_STORE_PASSWORD} / {@value #TLS_KEY_STORE_TYPE}</td>
 *   <td>none / none / PKCS12: the client's key and certificate, for servers that require one (mutual TLS)</td></tr>
 *   <tr><td>{@value #TLS_HOSTNAME_VERIFICATION}</td><td>true: each server's certificate must name that server as
 *   written in the server list (an IP address as an IP subject alternative name)</td></tr>
 * </table>
 * Any {@code caspian.memcached.tls.*} key while {@value #TLS} is not true is an error, so a configuration meant for
 * TLS never runs in plain text.
 */
public final class MemcachedSettings {
  public static final String SERVERS = "caspian.memcached.servers";
  public static final String NAMESPACE = "caspian.namespace";
  public static final String TIMEOUT = "caspian.memcached.timeout";
  public static final String SASL_USERNAME = "caspian.memcached.sasl.username";
  public static final String SASL_PASSWORD = "caspian.memcached.sasl.password";
  public static final String MAX_VALUE_BYTES = "caspian.memcached.max-value-bytes";
  public static final String COMPRESSION_THRESHOLD = "caspian.compression.threshold";
  public static final String SERIALIZATION_ALLOW = "caspian.serialization.allow";
  public static final String CAS_MAX_ATTEMPTS = "caspian.cas.max-attempts";
  public static final String MAX_DEPTH = "caspian.serialization.max-depth";
  public static final String FAIL_OPEN = "caspian.fail-open";
  public static final String TLS = "caspian.memcached.tls";
  public static final String TLS_CA_FILE = TLS + ".ca-file";
  public static final String TLS_TRUST_STORE = TLS + ".trust-store";
  public static final String TLS_TRUST_STORE_PASSWORD = TLS + ".trust-store-password";
  public static final String TLS_TRUST_STORE_TYPE = TLS + ".trust-store-type";
  public static final String TLS_KEY_STORE = TLS + ".key-store";
  public static final String TLS_KEY_STORE_PASSWORD = TLS + ".key-store-password";
  public static final String TLS_KEY_STORE_TYPE = TLS + ".key-store-type";
  public static final String TLS_HOSTNAME_VERIFICATION = TLS + ".hostname-verification";
  private static final List<String> TLS_DETAILS = List.of(TLS_CA_FILE, TLS_TRUST_STORE, TLS_TRUST_STORE_PASSWORD,
      TLS_TRUST_STORE_TYPE, TLS_KEY_STORE, TLS_KEY_STORE_PASSWORD, TLS_KEY_STORE_TYPE, TLS_HOSTNAME_VERIFICATION);

  /** Environment variable consulted for the server list when the system property is not set. */
  public static final String SERVERS_ENV = "CASPIAN_MEMCACHED_SERVERS";
  public static final String DEFAULT_SERVERS = "127.0.0.1:11211";

  private final List<InetSocketAddress> servers;
  private final String namespace;
  private final Duration operationTimeout;
  private final String saslUsername;
  private final String saslPassword;
  private final int maxValueBytes;
  private final int compressionThreshold;
  private final String serializationAllow;
  private final int casMaxAttempts;
  private final int maxDepth;
  private final byte[] signingKey;
  private final byte[] previousSigningKey;
  private final boolean acceptUnsigned;
  private final boolean failOpen;
  private final TlsSettings tls;

  private MemcachedSettings(Builder b) {
    this.servers = List.copyOf(b.servers);
    this.namespace = b.namespace;
    this.operationTimeout = b.operationTimeout;
    this.saslUsername = b.saslUsername;
    this.saslPassword = b.saslPassword;
    this.maxValueBytes = b.maxValueBytes;
    this.compressionThreshold = b.compressionThreshold;
    this.serializationAllow = b.serializationAllow;
    this.casMaxAttempts = b.casMaxAttempts;
    this.maxDepth = b.maxDepth;
    this.signingKey = b.signingKey;
    this.previousSigningKey = b.previousSigningKey;
    this.acceptUnsigned = b.acceptUnsigned;
    this.failOpen = b.failOpen;
    if (previousSigningKey != null && signingKey == null) {
      throw new IllegalArgumentException(SecuritySettings.PREVIOUS_KEY + " is set but " + SecuritySettings.KEY
          + " is not");
    }
    this.tls = b.tls;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the settings from properties; absent keys fall back to system properties, then to the defaults. The
   * server list falls back to the {@value #SERVERS_ENV} environment variable before its default.
   *
   * @throws IllegalArgumentException if a value is malformed, naming the key
   */
  public static MemcachedSettings fromProperties(Map<?, ?> properties) {
    Builder b = builder();
    String servers = lookup(properties, SERVERS)
        .or(() -> Optional.ofNullable(System.getenv(SERVERS_ENV)).filter(s -> !s.isBlank()))
        .orElse(DEFAULT_SERVERS);
    b.servers(parseServers(servers));
    lookup(properties, NAMESPACE).ifPresent(b::namespace);
    lookup(properties, TIMEOUT).ifPresent(v -> b.operationTimeout(Duration.ofMillis(parseLong(TIMEOUT, v, 1))));
    lookup(properties, SASL_USERNAME).ifPresent(u ->
        b.sasl(u, lookup(properties, SASL_PASSWORD).orElse("")));
    lookup(properties, MAX_VALUE_BYTES).ifPresent(v -> b.maxValueBytes((int) parseLong(MAX_VALUE_BYTES, v, 1)));
    lookup(properties, COMPRESSION_THRESHOLD).ifPresent(v ->
        b.compressionThreshold((int) parseLong(COMPRESSION_THRESHOLD, v, 0)));
    lookup(properties, SERIALIZATION_ALLOW).ifPresent(b::serializationAllow);
    lookup(properties, CAS_MAX_ATTEMPTS).ifPresent(v -> b.casMaxAttempts((int) parseLong(CAS_MAX_ATTEMPTS, v, 1)));
    lookup(properties, MAX_DEPTH).ifPresent(v -> b.maxDepth((int) parseLong(MAX_DEPTH, v, 2)));
    lookup(properties, FAIL_OPEN).ifPresent(v -> b.failOpen(parseBoolean(FAIL_OPEN, v)));
    SecuritySettings.currentSecret(k -> lookup(properties, k)).ifPresent(b::signingKey);
    SecuritySettings.previousSecret(k -> lookup(properties, k)).ifPresent(b::previousSigningKey);
    lookup(properties, SecuritySettings.ACCEPT_UNSIGNED).ifPresent(v ->
        b.acceptUnsigned(parseBoolean(SecuritySettings.ACCEPT_UNSIGNED, v)));
    if (parseBoolean(TLS, lookup(properties, TLS).orElse("false"))) {
      b.tls(new TlsSettings(
          lookup(properties, TLS_TRUST_STORE).map(java.nio.file.Path::of).orElse(null),
          lookup(properties, TLS_TRUST_STORE_PASSWORD).orElse(null),
          lookup(properties, TLS_TRUST_STORE_TYPE).orElse(null),
          lookup(properties, TLS_CA_FILE).map(java.nio.file.Path::of).orElse(null),
          lookup(properties, TLS_KEY_STORE).map(java.nio.file.Path::of).orElse(null),
          lookup(properties, TLS_KEY_STORE_PASSWORD).orElse(null),
          lookup(properties, TLS_KEY_STORE_TYPE).orElse(null),
          parseBoolean(TLS_HOSTNAME_VERIFICATION, lookup(properties, TLS_HOSTNAME_VERIFICATION).orElse("true"))));
    } else {
      for (String key : TLS_DETAILS) {
        if (lookup(properties, key).isPresent()) {
          throw new IllegalArgumentException(key + " is set but " + TLS + " is not true: set " + TLS
              + "=true to encrypt the connections, or remove " + key);
        }
      }
    }
    return b.build();
  }

  private static boolean parseBoolean(String key, String value) {
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new IllegalArgumentException(key + " must be true or false but was '" + value + "'");
  }

  /**
   * Parses {@code host:port,host:port}; IPv6 hosts are written in brackets ({@code [::1]:11211}).
   *
   * @throws IllegalArgumentException naming the malformed entry
   */
  public static List<InetSocketAddress> parseServers(String list) {
    Objects.requireNonNull(list, "server list");
    List<InetSocketAddress> result = new ArrayList<>();
    for (String raw : list.split("[,\\s]+")) {
      String entry = raw.trim();
      if (entry.isEmpty()) {
        continue;
      }
      int colon = entry.lastIndexOf(':');
      if (colon <= 0 || colon == entry.length() - 1) {
        throw new IllegalArgumentException("memcached server '" + entry + "' is not host:port");
      }
      String host = entry.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(entry.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("memcached server '" + entry + "' has no numeric port", e);
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("memcached server '" + entry + "' has port out of range");
      }
      result.add(new InetSocketAddress(host, port));
    }
    if (result.isEmpty()) {
      throw new IllegalArgumentException("memcached server list is empty");
    }
    return result;
  }

  private static Optional<String> lookup(Map<?, ?> properties, String key) {
    Object value = properties == null ? null : properties.get(key);
    if (value == null) {
      value = System.getProperty(key);
    }
    return Optional.ofNullable(value).map(Object::toString).map(String::trim).filter(s -> !s.isEmpty());
  }

  private static long parseLong(String key, String value, long min) {
    try {
      long parsed = Long.parseLong(value);
      if (parsed < min) {
        throw new IllegalArgumentException(key + " must be at least " + min + " but was " + value);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number but was '" + value + "'", e);
    }
  }

  public List<InetSocketAddress> servers() {
    return servers;
  }

  /** The string form of the server list, {@code host:port,host:port}. */
  public String serverList() {
    StringBuilder sb = new StringBuilder();
    for (InetSocketAddress a : servers) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      String host = a.getHostString();
      sb.append(host.contains(":") ? "[" + host + "]" : host).append(':').append(a.getPort());
    }
    return sb.toString();
  }

  public String namespace() {
    return namespace;
  }

  public Duration operationTimeout() {
    return operationTimeout;
  }

  public Optional<String> saslUsername() {
    return Optional.ofNullable(saslUsername);
  }

  public String saslPassword() {
    return saslPassword;
  }

  public int maxValueBytes() {
    return maxValueBytes;
  }

  public int compressionThreshold() {
    return compressionThreshold;
  }

  public String serializationAllow() {
    return serializationAllow;
  }

  public int casMaxAttempts() {
    return casMaxAttempts;
  }

  /** How deep a Java-serialized value may nest (objects within objects). */
  public int maxDepth() {
    return maxDepth;
  }

  /** The signer for these settings' secrets ({@link ValueSigner#NONE} when no secret is set). */
  public ValueSigner signer() {
    return ValueSigner.of(java.util.Optional.ofNullable(signingKey), java.util.Optional.ofNullable(previousSigningKey),
        acceptUnsigned);
  }

  /** Whether a JCache cache reads misses and skips plain writes when its server cannot be reached. */
  public boolean failOpen() {
    return failOpen;
  }

  /** Whether values are signed. */
  public boolean signed() {
    return signingKey != null;
  }

  /** How connections are encrypted; empty for plain text. */
  public Optional<TlsSettings> tls() {
    return Optional.ofNullable(tls);
  }

  /** A copy with another namespace. */
  public MemcachedSettings withNamespace(String otherNamespace) {
    return toBuilder().namespace(otherNamespace).build();
  }

  public Builder toBuilder() {
    Builder b = builder().servers(servers).namespace(namespace).operationTimeout(operationTimeout)
        .maxValueBytes(maxValueBytes).compressionThreshold(compressionThreshold)
        .serializationAllow(serializationAllow).casMaxAttempts(casMaxAttempts).maxDepth(maxDepth).tls(tls);
    b.signingKey = signingKey;
    b.previousSigningKey = previousSigningKey;
    b.acceptUnsigned = acceptUnsigned;
    b.failOpen = failOpen;
    if (saslUsername != null) {
      b.sasl(saslUsername, saslPassword);
    }
    return b;
  }

  @Override
  public String toString() {
    return "MemcachedSettings[servers=" + serverList() + ", namespace=" + namespace + ", timeout="
        + operationTimeout.toMillis() + "ms, sasl=" + (saslUsername != null) + ", maxValueBytes=" + maxValueBytes
        + ", compressionThreshold=" + compressionThreshold + ", casMaxAttempts=" + casMaxAttempts
        + ", signed=" + signed() + ", tls=" + (tls == null ? "false" : tls) + "]";
  }

  /** Builder of {@link MemcachedSettings}. */
  public static final class Builder {
    private List<InetSocketAddress> servers = parseServers(DEFAULT_SERVERS);
    private String namespace = "caspian";
    private Duration operationTimeout = Duration.ofMillis(500);
    private String saslUsername;
    private String saslPassword;
    private int maxValueBytes = 1_000_000;
    private int compressionThreshold = 16 * 1024;
    private String serializationAllow = "";
    private int casMaxAttempts = 100;
    private int maxDepth = 16;
    private byte[] signingKey;
    private byte[] previousSigningKey;
    private boolean acceptUnsigned;
    private boolean failOpen;
    private TlsSettings tls;

    private Builder() {}

    /** Encrypts the connections as {@code value} says; null for plain text. */
    public Builder tls(TlsSettings value) {
      this.tls = value;
      return this;
    }

    public Builder servers(List<InetSocketAddress> value) {
      if (value.isEmpty()) {
        throw new IllegalArgumentException("memcached server list is empty");
      }
      this.servers = List.copyOf(value);
      return this;
    }

    public Builder servers(String list) {
      return servers(parseServers(list));
    }

    public Builder namespace(String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(NAMESPACE + " must not be blank");
      }
      this.namespace = value;
      return this;
    }

    public Builder operationTimeout(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(TIMEOUT + " must be positive");
      }
      this.operationTimeout = value;
      return this;
    }

    public Builder sasl(String username, String password) {
      this.saslUsername = Objects.requireNonNull(username);
      this.saslPassword = password == null ? "" : password;
      return this;
    }

    public Builder maxValueBytes(int value) {
      this.maxValueBytes = value;
      return this;
    }

    public Builder compressionThreshold(int value) {
      this.compressionThreshold = value;
      return this;
    }

    public Builder serializationAllow(String value) {
      this.serializationAllow = value == null ? "" : value;
      return this;
    }

    public Builder casMaxAttempts(int value) {
      this.casMaxAttempts = value;
      return this;
    }

    public Builder maxDepth(int value) {
      if (value < 2) {
        throw new IllegalArgumentException(MAX_DEPTH + " must be at least 2");
      }
      this.maxDepth = value;
      return this;
    }

    /** Signs values with this secret (see {@link ValueSigner}); at least {@value SecuritySettings#MIN_SECRET_BYTES} bytes. */
    public Builder signingKey(byte[] secret) {
      this.signingKey = checkedSecret(secret, SecuritySettings.KEY);
      return this;
    }

    /** Also accepts values signed with this secret, during a key rotation. */
    public Builder previousSigningKey(byte[] secret) {
      this.previousSigningKey = checkedSecret(secret, SecuritySettings.PREVIOUS_KEY);
      return this;
    }

    /** Misses and skipped writes instead of exceptions when a server cannot be reached (JCache caches). */
    public Builder failOpen(boolean value) {
      this.failOpen = value;
      return this;
    }

    /** Also reads unsigned values, while signing is being turned on across a running cluster. */
    public Builder acceptUnsigned(boolean value) {
      this.acceptUnsigned = value;
      return this;
    }

    private static byte[] checkedSecret(byte[] secret, String name) {
      if (secret == null) {
        return null;
      }
      if (secret.length < SecuritySettings.MIN_SECRET_BYTES) {
        throw new IllegalArgumentException(name + " must be at least " + SecuritySettings.MIN_SECRET_BYTES
            + " bytes");
      }
      return secret.clone();
    }

    public MemcachedSettings build() {
      return new MemcachedSettings(this);
    }
  }
}
