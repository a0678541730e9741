package io.caspian.example;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real memcached on a free 127.0.0.1 port, started and stopped by the test: {@code CASPIAN_MEMCACHED_BIN}, else
 * memcached in /usr/bin, /usr/local/bin, /opt/homebrew/bin or the PATH (a copy of the few lines of Caspian's own
 * test helper that this example needs).
 */
final class Memcached implements AutoCloseable {
  private final int port;
  private final Process process;

  private Memcached(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  static Memcached start() throws IOException, InterruptedException {
    int port = freePort();
    List<String> command = new ArrayList<>(List.of(binary(), "-l", "127.0.0.1", "-p", Integer.toString(port),
        "-U", "0", "-m", "64"));
    if ("root".equals(System.getProperty("user.name"))) {
      command.addAll(List.of("-u", "nobody")); // memcached refuses to run as root
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    Memcached server = new Memcached(port, process);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("memcached exited with " + process.exitValue() + ": " + command);
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return server;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    server.close();
    throw new IllegalStateException("memcached did not listen on port " + port + " within 10 s");
  }

  /** {@code 127.0.0.1:port}. */
  String address() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String binary() {
    String configured = System.getenv("CASPIAN_MEMCACHED_BIN");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    for (String dir : List.of("/usr/bin", "/usr/local/bin", "/opt/homebrew/bin")) {
      File candidate = new File(dir, "memcached");
      if (candidate.canExecute()) {
        return candidate.getPath();
      }
    }
    return "memcached";
  }
}
