package io.caspian.memcached.connection;

import io.caspian.memcached.MemcachedSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS side of one transport: the {@link SSLContext} built from {@link TlsSettings}, shared by the memcached
 * client's connections and the {@link KeyLister}'s sockets, and what went wrong in the last handshake with each
 * server, so that a failing operation can say why ("not trusted", "does not name the server") instead of only
 * that the server did not answer.
 *
 * <p>Certificates are checked by this class's own trust manager: the chain against the configured trust, then,
 * unless hostname verification is off, the server's name against the host written in the server list (the
 * {@code HTTPS} endpoint identification rules: a DNS name or an IP address subject alternative name).
 */
final class Tls {
  private static final Logger LOG = Logger.getLogger(Tls.class.getName());

  private final TlsSettings settings;
  private final KeyManager[] keys;
  private final TrustManager[] trust;
  private final SSLContext context;
  /** "host:port" of each server whose last handshake failed on its certificate, with the reason. */
  private final Map<String, String> failures = new ConcurrentHashMap<>();

  Tls(TlsSettings settings) {
    this.settings = settings;
    try {
      trust = new TrustManager[] {new CheckingTrustManager(trustManager(settings))};
      keys = keyManagers(settings);
      fresh(); // fails now on a bad setting rather than at the first connection
      context = new FreshContext();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up TLS for memcached (" + settings + "): " + e.getMessage(), e);
    }
  }

  /** The TLS of these settings, or null when they are plain text. */
  static Tls of(MemcachedSettings settings) {
    return settings.tls().map(Tls::new).orElse(null);
  }

  /**
   * The SSLContext for the client library: each connection it opens gets an SSLEngine of a new context, so that
   * no TLS session is ever resumed. memcached ({@code -Z} with {@code ssl_verify_mode} set, 1.6.18 at least) answers
   * a resumption with an {@code internal_error} alert (no session id context), which would fail every reconnection
   * and every second connection (key listing) to a server that checks client certificates. A full handshake costs a
   * millisecond or two per connection, and connections are long-lived.
   */
  SSLContext context() {
    return context;
  }

  private SSLContext fresh() throws GeneralSecurityException {
    SSLContext fresh = SSLContext.getInstance("TLS");
    fresh.init(keys, trust, null);
    return fresh;
  }

  private SSLContext freshUnchecked() {
    try {
      return fresh();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS for memcached: " + e.getMessage(), e);
    }
  }

  /** An SSLContext whose engines and sockets each come from a new context (see {@link #context()}). */
  private final class FreshContext extends SSLContext {
    FreshContext() throws GeneralSecurityException {
      super(new javax.net.ssl.SSLContextSpi() {
        private final SSLContext sessions = fresh(); // answers the session-context getters, holds nothing

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, java.security.SecureRandom random) {
          throw new UnsupportedOperationException("initialized from " + MemcachedSettings.TLS + " settings");
        }

        @Override
        protected javax.net.ssl.SSLSocketFactory engineGetSocketFactory() {
          return freshUnchecked().getSocketFactory();
        }

        @Override
        protected javax.net.ssl.SSLServerSocketFactory engineGetServerSocketFactory() {
          throw new UnsupportedOperationException("a memcached client does not accept connections");
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
          return freshUnchecked().createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
          return freshUnchecked().createSSLEngine(host, port);
        }

        @Override
        protected javax.net.ssl.SSLSessionContext engineGetServerSessionContext() {
          return sessions.getServerSessionContext();
        }

        @Override
        protected javax.net.ssl.SSLSessionContext engineGetClientSessionContext() {
          return sessions.getClientSessionContext();
        }
      }, null, "TLS");
    }
  }

  TlsSettings settings() {
    return settings;
  }

  /**
   * A socket to {@code server}, connected and past its handshake, with {@code timeoutMillis} as its read timeout.
   *
   * @throws SSLException naming the server and the reason when the handshake fails
   */
  Socket connect(InetSocketAddress server, int connectTimeoutMillis, int readTimeoutMillis) throws IOException {
    Socket plain = new Socket();
    try {
      plain.connect(server, connectTimeoutMillis);
      plain.setSoTimeout(readTimeoutMillis);
      SSLSocket socket = (SSLSocket) context.getSocketFactory()
          .createSocket(plain, server.getHostString(), server.getPort(), true);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      try {
        socket.startHandshake();
      } catch (SSLException e) {
        socket.close();
        throw new SSLException(describe(key(server.getHostString(), server.getPort()), e), e);
      }
      return socket;
    } catch (IOException | RuntimeException e) {
      plain.close();
      throw e;
    }
  }

  /** Why handshakes failed, for messages: empty when the last handshake with every server passed its check. */
  String failures() {
    if (failures.isEmpty()) {
      return "";
    }
    return String.join("; ", failures.values());
  }

  private String describe(String server, SSLException e) {
    String known = failures.get(server);
    if (known != null) {
      return known;
    }
    return "TLS handshake with memcached " + server + " failed: " + e.getMessage()
        + " (is it started with -Z? does it require a client certificate, " + MemcachedSettings.TLS_KEY_STORE
        + "?)";
  }

  private void failed(String server, String reason) {
    String previous = failures.put(server, reason);
    if (!reason.equals(previous)) {
      LOG.log(Level.WARNING, reason);
    }
  }

  private static String key(String host, int port) {
    String h = host == null ? "?" : host;
    return (h.contains(":") ? "[" + h + "]" : h) + ":" + port;
  }

  /**
   * Checks the chain first without the name, then with it, so that a failure says which of the two it was; records
   * the outcome per server.
   */
  private final class CheckingTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;

    CheckingTrustManager(X509ExtendedTrustManager delegate) {
      this.delegate = delegate;
    }

    private void check(X509Certificate[] chain, String authType, String host, int port, Checker named)
        throws CertificateException {
      String server = key(host, port);
      String subject = chain.length == 0 ? "none" : chain[0].getSubjectX500Principal().getName();
      try {
        delegate.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        failed(server, "TLS handshake with memcached " + server + " failed: its certificate (" + subject
            + ") is not trusted by " + settings.trustSource() + ": " + e.getMessage());
        throw e;
      }
      if (settings.hostnameVerification()) {
        try {
          named.check();
        } catch (CertificateException e) {
          failed(server, "TLS handshake with memcached " + server + " failed: its certificate (" + subject
              + ") does not name " + host + " (" + e.getMessage() + "); give it a subjectAltName for the host as"
              + " written in the server list, or set " + MemcachedSettings.TLS_HOSTNAME_VERIFICATION + "=false");
          throw e;
        }
      }
      failures.remove(server);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(chain, authType, engine.getPeerHost(), engine.getPeerPort(),
          () -> delegate.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      String host = socket instanceof SSLSocket ssl && ssl.getHandshakeSession() != null
          ? ssl.getHandshakeSession().getPeerHost() : socket.getInetAddress().getHostAddress();
      check(chain, authType, host, socket.getPort(), () -> delegate.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("memcached certificates are checked with their connection, to check the name");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("a memcached client does not accept connections");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }

  @FunctionalInterface
  private interface Checker {
    void check() throws CertificateException;
  }

  private static X509ExtendedTrustManager trustManager(TlsSettings settings) throws GeneralSecurityException {
    KeyStore trusted = null;
    if (settings.caFile() != null) {
      trusted = KeyStore.getInstance("PKCS12");
      try {
        trusted.load(null, null);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Collection<? extends Certificate> certificates = readCertificates(settings.caFile());
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException(MemcachedSettings.TLS_CA_FILE + " " + settings.caFile()
            + " holds no PEM certificate");
      }
      int i = 0;
      for (Certificate certificate : certificates) {
        trusted.setCertificateEntry("ca-" + i++, certificate);
      }
    } else if (settings.trustStore() != null) {
      trusted = load(settings.trustStore(), settings.trustStorePassword(), settings.trustStoreType(),
          MemcachedSettings.TLS_TRUST_STORE);
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trusted); // null: the JDK's default trust store
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509ExtendedTrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("no X509ExtendedTrustManager from " + factory.getAlgorithm());
  }

  private static KeyManager[] keyManagers(TlsSettings settings) throws GeneralSecurityException {
    if (settings.keyStore() == null) {
      return null;
    }
    char[] password = settings.keyStorePassword() == null ? new char[0] : settings.keyStorePassword().toCharArray();
    KeyStore store = load(settings.keyStore(), settings.keyStorePassword(), settings.keyStoreType(),
        MemcachedSettings.TLS_KEY_STORE);
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, password);
    return factory.getKeyManagers();
  }

  private static Collection<? extends Certificate> readCertificates(Path file) throws CertificateException {
    try (InputStream in = Files.newInputStream(file)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + MemcachedSettings.TLS_CA_FILE + " " + file + ": " + e, e);
    }
  }

  private static KeyStore load(Path file, String password, String type, String key)
      throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(type);
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password == null ? null : password.toCharArray());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + key + " " + file + " (type " + type + "): " + e, e);
    }
    return store;
  }
}
