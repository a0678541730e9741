package io.caspian.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Throw-away certificates for TLS tests, made with {@code openssl} in a temporary directory: a test CA, server
 * certificates it signs (with the subject alternative names a test asks for), a client certificate for mutual TLS
 * in a PKCS12 store, and a second CA that signed none of them. Files are world-readable, since memcached started as
 * root drops to {@code nobody}; the keys protect nothing.
 */
public final class TestCertificates {
  public static final String STORE_PASSWORD = "changeit";

  private final Path dir;

  /** A certificate and its key, both PEM. */
  public record KeyPair(Path certificate, Path key) {}

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  /** Creates the test CA and the other (untrusted) CA in a new temporary directory. */
  public static TestCertificates create() {
    try {
      Path dir = Files.createTempDirectory("caspian-tls");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      TestCertificates certificates = new TestCertificates(dir);
      certificates.ca("ca");
      certificates.ca("other-ca");
      return certificates;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The test CA's certificate (PEM): what a client that trusts the servers trusts. */
  public Path ca() {
    return dir.resolve("ca.pem");
  }

  /** A CA that signed nothing here: a client trusting only it trusts no server. */
  public Path otherCa() {
    return dir.resolve("other-ca.pem");
  }

  /** A server certificate signed by the test CA, e.g. {@code server("ok", "IP:127.0.0.1", "DNS:localhost")}. */
  public KeyPair server(String name, String... subjectAltNames) {
    return signed(name, "serverAuth", subjectAltNames);
  }

  /** A client certificate signed by the test CA, in a PKCS12 store with password {@link #STORE_PASSWORD}. */
  public Path clientStore(String name) {
    KeyPair pair = signed(name, "clientAuth");
    Path store = dir.resolve(name + ".p12");
    openssl("pkcs12", "-export", "-in", pair.certificate().toString(), "-inkey", pair.key().toString(),
        "-out", store.toString(), "-passout", "pass:" + STORE_PASSWORD, "-name", name);
    return readable(store);
  }

  /** The test CA's certificate in a PKCS12 trust store with password {@link #STORE_PASSWORD}. */
  public Path caTrustStore() {
    Path store = dir.resolve("ca-trust.p12");
    if (!Files.exists(store)) {
      run(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-importcert", "-noprompt",
          "-alias", "caspian-test-ca", "-file", ca().toString(), "-keystore", store.toString(),
          "-storetype", "PKCS12", "-storepass", STORE_PASSWORD));
    }
    return readable(store);
  }

  private void ca(String name) {
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", dir.resolve(name + ".key").toString(), "-out", dir.resolve(name + ".pem").toString(),
        "-days", "2", "-subj", "/CN=caspian test " + name,
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    readable(dir.resolve(name + ".key"));
    readable(dir.resolve(name + ".pem"));
  }

  private KeyPair signed(String name, String usage, String... subjectAltNames) {
    Path key = dir.resolve(name + ".key");
    Path csr = dir.resolve(name + ".csr");
    Path certificate = dir.resolve(name + ".pem");
    Path extensions = dir.resolve(name + ".ext");
    try {
      String ext = "basicConstraints=CA:FALSE\nextendedKeyUsage=" + usage + "\n"
          + (subjectAltNames.length == 0 ? "" : "subjectAltName=" + String.join(",", subjectAltNames) + "\n");
      Files.writeString(extensions, ext, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + name);
    openssl("x509", "-req", "-in", csr.toString(), "-CA", ca().toString(), "-CAkey", dir.resolve("ca.key").toString(),
        "-CAcreateserial", "-out", certificate.toString(), "-days", "2", "-extfile", extensions.toString());
    return new KeyPair(readable(certificate), readable(key));
  }

  private static Path readable(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void openssl(String... args) {
    List<String> command = new ArrayList<>();
    command.add(MemcachedProcess.binary("CASPIAN_OPENSSL_BIN", "openssl"));
    command.addAll(List.of(args));
    run(command);
  }

  private static void run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: "
            + new String(output, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command.get(0) + " (install openssl, see bin/ensure-prereqs)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
