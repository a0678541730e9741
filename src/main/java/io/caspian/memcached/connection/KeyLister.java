package io.caspian.memcached.connection;

import io.caspian.memcached.MemcachedSettings;
import io.caspian.memcached.MemcachedUnavailableException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Lists the keys under a prefix with memcached's {@code lru_crawler metadump hash}, one server at a time, over the
 * text protocol. The hash-table walk sees every linked item; the older {@code metadump all} walks the LRU lists,
 * from which the server's LRU maintainer moves items concurrently, so it can miss some (seen in tests). Servers
 * older than 1.6.x that lack the hash walk fall back to it. memcached keeps no index of keys, so this walks every item of every server: its cost is
 * proportional to the whole pool, not to the cache. It needs the text protocol, which a server started with SASL
 * does not offer. Over TLS ({@link MemcachedSettings#tls()}) it opens TLS sockets with the client's own
 * {@link javax.net.ssl.SSLContext} and the same certificate and name checks.
 */
public final class KeyLister {
  private static final int BUSY_RETRIES = 200;

  /** Why no keys can be listed on a pool that uses SASL, and what still works. */
  private static final String UNDER_SASL = "cannot list keys with SASL: a memcached started with -S serves only the binary"
      + " protocol, which has no command to list keys (Caspian lists them with the text protocol's lru_crawler"
      + " metadump), so iterator(), clear(), removeAll() and destroyCache() fail under SASL; every per-key operation"
      + " (get, put, invoke, the conditional ones, getAll, putAll, removeAll(keys)) works, and so does the Hibernate"
      + " region factory, whose region evictions use epochs, not listing";

  private final List<InetSocketAddress> servers;
  private final int timeoutMillis;
  private final Tls tls;
  /** A pool that uses SASL serves only the binary protocol: nothing can be listed. */
  private final boolean sasl;

  /** Lists the keys of the pool of {@code settings}, over its TLS if any (internal, for {@code Memcached.keys}). */
  public KeyLister(MemcachedSettings settings, ConnectionProblems problems) {
    this(settings.servers(), (int) Math.min(Integer.MAX_VALUE, settings.operationTimeout().toMillis()), problems.tls(),
        settings.saslUsername().isPresent());
  }

  private KeyLister(List<InetSocketAddress> servers, int timeoutMillis, Tls tls, boolean sasl) {
    this.servers = List.copyOf(servers);
    this.timeoutMillis = timeoutMillis;
    this.tls = tls;
    this.sasl = sasl;
  }

  /** The keys starting with {@code prefix} on one server (tests and tools that need to know where keys live). */
  public static List<String> keysOn(InetSocketAddress server, String prefix, int timeoutMillis) {
    return new KeyLister(List.of(server), timeoutMillis, null, false).keys(prefix);
  }

  /**
   * The keys starting with {@code prefix} on every server.
   *
   * @throws MemcachedUnavailableException when a server cannot be asked, or the pool uses SASL
   */
  public List<String> keys(String prefix) {
    if (sasl) {
      throw new MemcachedUnavailableException(UNDER_SASL, null);
    }
    List<String> keys = new ArrayList<>();
    for (InetSocketAddress server : servers) {
      keys.addAll(keys(server, prefix));
    }
    return keys;
  }

  private volatile String walk = "hash";

  private List<String> keys(InetSocketAddress server, String prefix) {
    for (int attempt = 0; ; attempt++) {
      try {
        List<String> keys = dump(server, prefix, walk);
        if (keys == UNSUPPORTED) {
          walk = "all";
          keys = dump(server, prefix, walk);
        }
        if (keys != null) {
          return keys;
        }
      } catch (IOException e) {
        throw new MemcachedUnavailableException("cannot list keys on " + server + ": " + e.getMessage(), e);
      }
      // another crawl is running on that server (a concurrent clear or iteration): wait for it
      if (attempt >= BUSY_RETRIES) {
        throw new MemcachedUnavailableException("lru_crawler stayed busy on " + server, null);
      }
      LockSupport.parkNanos(1_000_000L * (5 + ThreadLocalRandom.current().nextInt(20)));
    }
  }

  private static final List<String> UNSUPPORTED = List.of();

  private Socket connect(InetSocketAddress server) throws IOException {
    int readTimeout = Math.max(timeoutMillis * 20, 10_000);
    if (tls != null) {
      return tls.connect(server, timeoutMillis, readTimeout);
    }
    Socket socket = new Socket();
    try {
      socket.connect(server, timeoutMillis);
      socket.setSoTimeout(readTimeout);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** The keys, null when the crawler is busy, or {@link #UNSUPPORTED} when the server lacks this walk. */
  private List<String> dump(InetSocketAddress server, String prefix, String how) throws IOException {
    try (Socket socket = connect(server)) {
      OutputStream out = socket.getOutputStream();
      out.write(("lru_crawler metadump " + how + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(
          new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII), 64 * 1024);
      List<String> keys = new ArrayList<>();
      for (String line = firstLine(in); line != null; line = in.readLine()) {
        if (line.equals("END")) {
          return keys;
        }
        if (line.startsWith("BUSY")) {
          return null;
        }
        if (line.startsWith("CLIENT_ERROR") && how.equals("hash")) {
          return UNSUPPORTED;
        }
        if (line.startsWith("ERROR") || line.startsWith("CLIENT_ERROR") || line.startsWith("SERVER_ERROR")) {
          throw new IOException("memcached answered '" + line + "' to lru_crawler metadump"
              + " (is the lru_crawler disabled, or the text protocol off because of SASL?)");
        }
        if (line.startsWith("key=")) {
          int end = line.indexOf(' ');
          String key = percentDecode(line.substring(4, end < 0 ? line.length() : end));
          if (key.startsWith(prefix)) {
            keys.add(key);
          }
        }
      }
      throw new IOException("connection closed before END");
    }
  }

  /** The first line of the answer; a plain-text connection that a TLS-only memcached resets at once says so. */
  private String firstLine(BufferedReader in) throws IOException {
    boolean plain = tls == null;
    try {
      String line = in.readLine();
      if (line == null && plain) {
        throw new IOException("connection closed without an answer (if the server serves TLS only, started with -Z,"
            + " set " + MemcachedSettings.TLS + "=true)");
      }
      return line;
    } catch (java.net.SocketException e) {
      if (!plain) {
        throw e;
      }
      throw new IOException(e.getMessage() + " before any answer (if the server serves TLS only, started with -Z,"
          + " set " + MemcachedSettings.TLS + "=true)", e);
    }
  }

  /** memcached escapes keys with %XX; unlike URLDecoder, '+' stays '+'. */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    byte[] out = new byte[s.length()];
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()) {
        out[n++] = (byte) Integer.parseInt(s.substring(i + 1, i + 3), 16);
        i += 2;
      } else {
        out[n++] = (byte) c;
      }
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }
}
