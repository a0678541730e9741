package io.caspian.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real {@code memcached} server on a free 127.0.0.1 port, started and stopped by a test. It can be paused
 * (SIGSTOP), resumed, killed (SIGKILL) and restarted empty on the same port, which is what fault tests need.
 * {@link #startSasl} starts one that requires SASL PLAIN authentication against its own sasldb.
 */
public final class MemcachedProcess implements AutoCloseable {
  private final int port;
  private final int memoryMb;
  private final List<String> extraArgs;
  /** With SASL: the directory of its sasldb and memcached.conf, and the credentials {@link #stats} uses. */
  private final java.nio.file.Path saslDir;
  private final String saslUser;
  private final String saslPassword;
  private Process process;

  private MemcachedProcess(int port, int memoryMb, List<String> extraArgs) {
    this(port, memoryMb, extraArgs, null, null, null);
  }

  private MemcachedProcess(int port, int memoryMb, List<String> extraArgs, java.nio.file.Path saslDir,
      String saslUser, String saslPassword) {
    this.port = port;
    this.memoryMb = memoryMb;
    this.extraArgs = List.copyOf(extraArgs);
    this.saslDir = saslDir;
    this.saslUser = saslUser;
    this.saslPassword = saslPassword;
  }

  /** Starts a memcached with 64 MB of memory on a free loopback port. */
  public static MemcachedProcess start() {
    return start(64, List.of());
  }

  /** Starts a memcached with the given memory (-m, in MB) and extra arguments on a free loopback port. */
  public static MemcachedProcess start(int memoryMb, List<String> extraArgs) {
    MemcachedProcess server = new MemcachedProcess(freePort(), memoryMb, extraArgs);
    server.launch();
    return server;
  }

  /**
   * Starts a memcached that serves TLS only ({@code -Z}) with {@code certificate} on a free loopback port, and the
   * given extra arguments (e.g. {@code -o ssl_verify_mode=2,ssl_ca_cert=ca.pem} to require client certificates).
   * {@link #stats()} speaks plain text and does not work on it; {@link #restart()} keeps TLS.
   */
  public static MemcachedProcess startTls(TestCertificates.KeyPair certificate, List<String> extraArgs) {
    List<String> args = new ArrayList<>(tlsArgs(certificate));
    args.addAll(extraArgs);
    return start(64, args);
  }

  /** The arguments that make memcached serve TLS only with {@code certificate}. */
  public static List<String> tlsArgs(TestCertificates.KeyPair certificate) {
    return List.of("-Z", "-o", "ssl_chain_cert=" + certificate.certificate() + ",ssl_key=" + certificate.key());
  }

  /**
   * Starts a memcached with 64 MB that requires SASL ({@code -S}, PLAIN only) and knows one user: a sasldb made with
   * {@code saslpasswd2} and a {@code memcached.conf} in a temporary directory that {@code SASL_CONF_PATH} points
   * to (readable by {@code nobody}, whom memcached runs as under root). Skips the test, saying what to install, when
   * {@code saslpasswd2} or the PLAIN mechanism is missing.
   */
  public static MemcachedProcess startSasl(String user, String password) {
    return startSasl(user, password, List.of());
  }

  /** As {@link #startSasl(String, String)}, with extra arguments (e.g. TLS: {@link #tlsArgs}). */
  public static MemcachedProcess startSasl(String user, String password, List<String> extraArgs) {
    assumeSaslAvailable();
    java.nio.file.Path dir;
    try {
      dir = java.nio.file.Files.createTempDirectory("caspian-sasl-");
      java.nio.file.Path db = dir.resolve("sasldb2");
      addSaslUser(dir, user, password);
      java.nio.file.Files.writeString(dir.resolve("memcached.conf"),
          "mech_list: plain\nsasldb_path: " + db + "\n");
      java.nio.file.Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString(
          "rwxr-xr-x"));
      for (java.nio.file.Path file : List.of(db, dir.resolve("memcached.conf"))) {
        java.nio.file.Files.setPosixFilePermissions(file,
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> args = new ArrayList<>(List.of("-S"));
    args.addAll(extraArgs);
    MemcachedProcess server = new MemcachedProcess(freePort(), 64, args, dir, user, password);
    server.launch();
    return server;
  }

  /** Adds a user to the sasldb of a server started with {@link #startSasl}, or changes its password. */
  public void addSaslUser(String user, String password) {
    if (saslDir == null) {
      throw new IllegalStateException("not started with SASL");
    }
    try {
      addSaslUser(saslDir, user, password);
      java.nio.file.Files.setPosixFilePermissions(saslDir.resolve("sasldb2"),
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds (or changes) a user in the sasldb of the directory {@code dir}. */
  private static void addSaslUser(java.nio.file.Path dir, String user, String password) throws IOException {
    java.nio.file.Path db = dir.resolve("sasldb2");
    Process p = new ProcessBuilder(saslpasswd2(), "-p", "-c", "-a", "memcached", "-f", db.toString(), user)
        .redirectErrorStream(true).start();
    try (var stdin = p.getOutputStream()) {
      stdin.write(password.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("saslpasswd2 failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Skips the calling test (a JUnit assumption, reported as skipped with the reason) unless {@code saslpasswd2}
   * (Debian: sasl2-bin) and the PLAIN mechanism (libsasl2-modules) are installed.
   */
  public static void assumeSaslAvailable() {
    org.junit.jupiter.api.Assumptions.assumeTrue(new File(saslpasswd2()).canExecute(),
        "SASL tests skipped: saslpasswd2 not found; install sasl2-bin and libsasl2-modules "
            + "(bin/ensure-prereqs does it as root: apt-get install sasl2-bin libsasl2-modules)");
    boolean plain = false;
    for (String dir : List.of("/usr/lib/x86_64-linux-gnu/sasl2", "/usr/lib/aarch64-linux-gnu/sasl2",
        "/usr/lib/sasl2", "/usr/lib64/sasl2", "/usr/local/lib/sasl2", "/opt/homebrew/lib/sasl2")) {
      String[] names = new File(dir).list((d, name) -> name.startsWith("libplain."));
      plain |= names != null && names.length > 0;
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(plain,
        "SASL tests skipped: the SASL PLAIN mechanism (libplain.so) was not found; install libsasl2-modules");
  }

  private static String saslpasswd2() {
    return binary("CASPIAN_SASLPASSWD2_BIN", "saslpasswd2");
  }

  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:port}, the form Caspian's server lists take. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /**
   * The server's {@code stats} counters (numeric ones), read over the text protocol, or over the binary protocol
   * after authenticating (adding one to {@code auth_cmds}) when the server requires SASL.
   */
  public java.util.Map<String, Long> stats() throws IOException {
    if (saslDir != null) {
      return saslStats();
    }
    java.util.Map<String, Long> counters = new java.util.HashMap<>();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(2000);
      socket.getOutputStream().write("stats\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
          java.nio.charset.StandardCharsets.US_ASCII));
      for (String line = in.readLine(); line != null && !line.equals("END"); line = in.readLine()) {
        String[] f = line.split(" ");
        if (f.length == 3 && f[2].matches("\\d+")) {
          counters.put(f[1], Long.parseLong(f[2]));
        }
      }
    }
    return counters;
  }

  private java.util.Map<String, Long> saslStats() throws IOException {
    java.util.Map<String, Long> counters = new java.util.HashMap<>();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(2000);
      var out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(socket.getOutputStream()));
      var in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
      byte[] credentials = ("\0" + saslUser + "\0" + saslPassword).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      binaryRequest(out, 0x21, "PLAIN".getBytes(java.nio.charset.StandardCharsets.US_ASCII), credentials);
      byte[][] auth = binaryResponse(in);
      if (auth[2][0] != 0 || auth[2][1] != 0) {
        throw new IOException("stats: SASL authentication refused: " + new String(auth[1],
            java.nio.charset.StandardCharsets.UTF_8));
      }
      binaryRequest(out, 0x10, new byte[0], new byte[0]);
      for (byte[][] stat = binaryResponse(in); stat[0].length > 0; stat = binaryResponse(in)) {
        String value = new String(stat[1], java.nio.charset.StandardCharsets.US_ASCII);
        if (value.matches("\\d+")) {
          counters.put(new String(stat[0], java.nio.charset.StandardCharsets.US_ASCII), Long.parseLong(value));
        }
      }
    }
    return counters;
  }

  private static void binaryRequest(java.io.DataOutputStream out, int opcode, byte[] key, byte[] value)
      throws IOException {
    out.writeByte(0x80);
    out.writeByte(opcode);
    out.writeShort(key.length);
    out.writeByte(0); // extras length
    out.writeByte(0); // data type
    out.writeShort(0); // vbucket
    out.writeInt(key.length + value.length);
    out.writeInt(0); // opaque
    out.writeLong(0); // cas
    out.write(key);
    out.write(value);
    out.flush();
  }

  /** {key, value, status (2 bytes)} of one binary response. */
  private static byte[][] binaryResponse(java.io.DataInputStream in) throws IOException {
    byte[] header = new byte[24];
    in.readFully(header);
    int keyLength = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
    int extrasLength = header[4] & 0xff;
    int bodyLength = java.nio.ByteBuffer.wrap(header, 8, 4).getInt();
    byte[] body = new byte[bodyLength];
    in.readFully(body);
    return new byte[][] {
        java.util.Arrays.copyOfRange(body, extrasLength, extrasLength + keyLength),
        java.util.Arrays.copyOfRange(body, extrasLength + keyLength, bodyLength),
        {header[6], header[7]}};
  }

  /** Freezes the server (SIGSTOP): connections stay open, requests hang. */
  public void pause() {
    signal("STOP");
  }

  /** Thaws a paused server (SIGCONT). */
  public void resume() {
    signal("CONT");
  }

  /** Kills the server at once (SIGKILL), as a crash would. */
  public void kill() {
    if (process != null) {
      process.destroyForcibly();
      waitFor(process);
    }
  }

  /** Starts the server again, empty, on the same port. */
  public void restart() {
    kill();
    launch();
  }

  @Override
  public void close() {
    if (process != null) {
      signal("CONT"); // a paused process would not see SIGTERM
      process.destroy();
      if (!waitFor(process)) {
        process.destroyForcibly();
        waitFor(process);
      }
    }
    if (saslDir != null) {
      try (var files = java.nio.file.Files.list(saslDir)) {
        for (java.nio.file.Path file : files.toList()) {
          java.nio.file.Files.deleteIfExists(file);
        }
        java.nio.file.Files.deleteIfExists(saslDir);
      } catch (IOException ignored) {
        // a temporary directory left behind
      }
    }
  }

  private void launch() {
    List<String> command = new ArrayList<>(List.of(binary(), "-l", "127.0.0.1", "-p", Integer.toString(port),
        "-U", "0", "-m", Integer.toString(memoryMb), "-c", "1024", "-t", "2"));
    if ("root".equals(System.getProperty("user.name"))) {
      command.addAll(List.of("-u", "nobody"));
    }
    command.addAll(extraArgs);
    try {
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      if (saslDir != null) {
        builder.environment().put("SASL_CONF_PATH", saslDir.toString());
      }
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start memcached (" + String.join(" ", command)
          + "); install it with bin/ensure-prereqs or set CASPIAN_MEMCACHED_BIN", e);
    }
    awaitListening();
  }

  private void awaitListening() {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("memcached exited with " + process.exitValue() + " on port " + port);
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        sleep(20);
      }
    }
    throw new IllegalStateException("memcached did not listen on port " + port + " within 10s");
  }

  private void signal(String name) {
    if (process == null || !process.isAlive()) {
      return;
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
      kill.waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean waitFor(Process p) {
    try {
      return p.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static String binary() {
    return binary("CASPIAN_MEMCACHED_BIN", "memcached");
  }

  /**
   * A server binary: the path in environment variable {@code env}, else {@code name} in the usual directories, else
   * {@code name} for the {@code PATH} to resolve.
   */
  public static String binary(String env, String name) {
    String configured = System.getenv(env);
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    for (String dir : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin", "/opt/homebrew/bin")) {
      File candidate = new File(dir, name);
      if (candidate.canExecute()) {
        return candidate.getPath();
      }
    }
    return name;
  }

  /** A port that was free a moment ago; memcached fails fast if another process took it, and we retry in start. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
