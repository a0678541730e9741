package io.caspian.memcached.connection;

import io.caspian.memcached.MemcachedSettings;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How the connections to memcached are encrypted (memcached 1.5.13+ started with {@code -Z}). The server's
 * certificate is checked against {@code trustStore}, or the PEM certificates in {@code caFile}, or the JDK's default
 * trust store when neither is set; its name is checked against each server's host as written in the server list
 * (an IP address must be an IP subject alternative name) unless {@code hostnameVerification} is false.
 * {@code keyStore} holds a client certificate for servers that require one ({@code -o ssl_verify_mode=2}).
 *
 * @param trustStore a key store of trusted certificates, or null
 * @param trustStorePassword its password, or null
 * @param trustStoreType its type (default {@code PKCS12})
 * @param caFile a PEM file of trusted (CA or self-signed) certificates, or null; not together with a trust store
 * @param keyStore a key store holding the client's key and certificate, or null
 * @param keyStorePassword its password (also the key's), or null
 * @param keyStoreType its type (default {@code PKCS12})
 * @param hostnameVerification whether each server's certificate must name that server (default true)
 */
public record TlsSettings(
    Path trustStore,
    String trustStorePassword,
    String trustStoreType,
    Path caFile,
    Path keyStore,
    String keyStorePassword,
    String keyStoreType,
    boolean hostnameVerification) {

  public TlsSettings {
    trustStoreType = trustStoreType == null || trustStoreType.isBlank() ? "PKCS12" : trustStoreType;
    keyStoreType = keyStoreType == null || keyStoreType.isBlank() ? "PKCS12" : keyStoreType;
    if (trustStore != null && caFile != null) {
      throw new IllegalArgumentException("set one of " + MemcachedSettings.TLS_TRUST_STORE + " and "
          + MemcachedSettings.TLS_CA_FILE + ", not both");
    }
  }

  /** TLS trusting the JDK's default certificate authorities, with hostname verification. */
  public static TlsSettings defaults() {
    return new TlsSettings(null, null, null, null, null, null, null, true);
  }

  /** TLS trusting the PEM certificates in {@code caFile}, with hostname verification. */
  public static TlsSettings trusting(Path caFile) {
    return new TlsSettings(null, null, null, Objects.requireNonNull(caFile), null, null, null, true);
  }

  public TlsSettings withTrustStore(Path store, String password, String type) {
    return new TlsSettings(store, password, type, null, keyStore, keyStorePassword, keyStoreType,
        hostnameVerification);
  }

  public TlsSettings withKeyStore(Path store, String password, String type) {
    return new TlsSettings(trustStore, trustStorePassword, trustStoreType, caFile, store, password, type,
        hostnameVerification);
  }

  public TlsSettings withHostnameVerification(boolean verify) {
    return new TlsSettings(trustStore, trustStorePassword, trustStoreType, caFile, keyStore, keyStorePassword,
        keyStoreType, verify);
  }

  /** Where trust comes from, for messages (never a password). */
  String trustSource() {
    if (caFile != null) {
      return MemcachedSettings.TLS_CA_FILE + "=" + caFile;
    }
    if (trustStore != null) {
      return MemcachedSettings.TLS_TRUST_STORE + "=" + trustStore;
    }
    return "the JDK's default trust store (set " + MemcachedSettings.TLS_CA_FILE + " or "
        + MemcachedSettings.TLS_TRUST_STORE + ")";
  }

  @Override
  public String toString() {
    // never print a password
    return "TlsSettings[trust=" + (caFile != null ? "ca-file " + caFile : trustStore != null
        ? trustStoreType + " " + trustStore : "JDK default") + ", clientCertificate=" + (keyStore != null)
        + ", hostnameVerification=" + hostnameVerification + "]";
  }
}
