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
 */
public final class MemcachedProcess implements AutoCloseable {
  private final int port;
  private final int memoryMb;
  private final List<String> extraArgs;
  private Process process;

  private MemcachedProcess(int port, int memoryMb, List<String> extraArgs) {
    this.port = port;
    this.memoryMb = memoryMb;
    this.extraArgs = List.copyOf(extraArgs);
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
    List<String> args = new ArrayList<>(List.of("-Z", "-o",
        "ssl_chain_cert=" + certificate.certificate() + ",ssl_key=" + certificate.key()));
    args.addAll(extraArgs);
    return start(64, args);
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

  /** The server's {@code stats} counters (numeric ones), read over the text protocol. */
  public java.util.Map<String, Long> stats() throws IOException {
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
  }

  private void launch() {
    List<String> command = new ArrayList<>(List.of(binary(), "-l", "127.0.0.1", "-p", Integer.toString(port),
        "-U", "0", "-m", Integer.toString(memoryMb), "-c", "1024", "-t", "2"));
    if ("root".equals(System.getProperty("user.name"))) {
      command.addAll(List.of("-u", "nobody"));
    }
    command.addAll(extraArgs);
    try {
      process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
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
