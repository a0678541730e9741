package io.caspian.memcached.security;

import io.caspian.memcached.CounterBytes;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates the bytes Caspian stores: with a secret configured ({@link SecuritySettings}), every value is
 * written as {@code [0xC5][key id][16-byte tag][payload]}, the tag being HMAC-SHA256 (truncated to 128 bits, as
 * RFC 2104 allows) over the memcached key's length and bytes and the payload. A reader checks the tag in constant
 * time before anything else looks at the payload, so a value planted or altered by whoever can reach memcached, or
 * copied from another key, is never inflated nor decoded.
 *
 * <p>Key rotation: values are written with the current secret and read with the current or the previous one; the
 * key id (the first byte of the secret's SHA-256) says which, and lets a reader tell "signed with a secret I do not
 * know" (a misconfigured node) from "tampered".
 *
 * <p>Counters are the exception: memcached's {@code incr} rewrites the item as a decimal number, which cannot carry a
 * tag, so bytes that read as a counter pass unsigned (see the residual risks in docs/security.md). Immutable and
 * thread-safe; each thread keeps its own initialised {@link Mac}s.
 */
public final class ValueSigner {
  /** First byte of a signed value; no codec's format byte, so an unsigned reader sees a foreign item. */
  public static final byte MAGIC = (byte) 0xC5;
  static final int TAG_BYTES = 16;
  static final int HEADER = 2 + TAG_BYTES;
  private static final String ALGORITHM = "HmacSHA256";

  /** The signer that signs nothing and accepts everything: no secret configured. */
  public static final ValueSigner NONE = new ValueSigner(null, null, false);

  /** What verification found. */
  public enum Outcome {
    /** The tag matched a known secret (or no secret is configured). */
    VALID,
    /** A counter item, which cannot be signed. */
    COUNTER,
    /** Not signed at all. */
    UNSIGNED,
    /** Signed with a secret this node does not know (another deployment's, or one rotated out). */
    UNKNOWN_KEY,
    /** Signed with a known secret, but the tag does not match: altered, or copied from another key. */
    BAD_TAG
  }

  private final Secret current;
  private final Secret previous;
  private final boolean acceptUnsigned;
  private final ThreadLocal<Mac[]> macs;

  private ValueSigner(byte[] current, byte[] previous, boolean acceptUnsigned) {
    this.current = current == null ? null : new Secret(current);
    this.previous = previous == null ? null : new Secret(previous);
    this.acceptUnsigned = acceptUnsigned;
    this.macs = ThreadLocal.withInitial(() -> new Mac[] {
        this.current == null ? null : this.current.newMac(),
        this.previous == null ? null : this.previous.newMac()});
  }

  /**
   * A signer that writes with {@code current} and also accepts {@code previous}.
   *
   * @param current the secret values are signed with; empty for no signing
   * @param previous a secret still accepted while nodes move to {@code current}; may be empty
   */
  public static ValueSigner of(Optional<byte[]> current, Optional<byte[]> previous) {
    return of(current, previous, false);
  }

  /**
   * As {@link #of(Optional, Optional)}, also reading unsigned values when {@code acceptUnsigned}: the first step of
   * turning signing on in a running cluster, while nodes without the secret still write (see docs/security.md).
   */
  public static ValueSigner of(Optional<byte[]> current, Optional<byte[]> previous, boolean acceptUnsigned) {
    if (current.isEmpty()) {
      if (previous.isPresent()) {
        throw new IllegalArgumentException(SecuritySettings.PREVIOUS_KEY + " is set but " + SecuritySettings.KEY
            + " is not");
      }
      return NONE;
    }
    return new ValueSigner(current.get(), previous.orElse(null), acceptUnsigned);
  }

  /** Whether values are signed. */
  public boolean enabled() {
    return current != null;
  }

  /** {@code payload} with its tag in front, for {@code memcachedKey}; the payload itself when signing is off. */
  public byte[] sign(String memcachedKey, byte[] payload) {
    if (current == null) {
      return payload;
    }
    byte[] signed = new byte[HEADER + payload.length];
    signed[0] = MAGIC;
    signed[1] = current.id;
    System.arraycopy(payload, 0, signed, HEADER, payload.length);
    byte[] tag = tag(macs.get()[0], memcachedKey, signed, HEADER, payload.length);
    System.arraycopy(tag, 0, signed, 2, TAG_BYTES);
    return signed;
  }

  /** What {@code stored}, read under {@code memcachedKey}, is (see {@link Outcome}). */
  public Outcome verify(String memcachedKey, byte[] stored) {
    if (current == null) {
      return Outcome.VALID;
    }
    if (stored.length < HEADER || stored[0] != MAGIC) {
      return CounterBytes.parse(stored) != null ? Outcome.COUNTER : acceptUnsigned ? Outcome.VALID : Outcome.UNSIGNED;
    }
    Mac[] threadMacs = macs.get();
    boolean known = false;
    if (stored[1] == current.id) {
      known = true;
      if (matches(threadMacs[0], memcachedKey, stored)) {
        return Outcome.VALID;
      }
    }
    if (previous != null && stored[1] == previous.id) {
      known = true;
      if (matches(threadMacs[1], memcachedKey, stored)) {
        return Outcome.VALID;
      }
    }
    return known ? Outcome.BAD_TAG : Outcome.UNKNOWN_KEY;
  }

  /** The payload of a value {@link #verify} found valid (a counter or, unsigned, the bytes themselves). */
  public byte[] payload(byte[] stored) {
    if (current == null || stored.length < HEADER || stored[0] != MAGIC) {
      return stored;
    }
    return Arrays.copyOfRange(stored, HEADER, stored.length);
  }

  /** Bytes this adds to every value. */
  public int overhead() {
    return current == null ? 0 : HEADER;
  }

  private static boolean matches(Mac mac, String memcachedKey, byte[] stored) {
    byte[] expected = tag(mac, memcachedKey, stored, HEADER, stored.length - HEADER);
    byte[] actual = Arrays.copyOfRange(stored, 2, HEADER);
    return MessageDigest.isEqual(expected, actual);
  }

  private static byte[] tag(Mac mac, String memcachedKey, byte[] bytes, int offset, int length) {
    // the key's length first, so that no (key, payload) pair can be re-split into another with the same tag
    byte[] key = memcachedKey.getBytes(StandardCharsets.UTF_8);
    mac.update((byte) (key.length >>> 8));
    mac.update((byte) key.length);
    mac.update(key);
    mac.update(bytes, offset, length);
    return Arrays.copyOf(mac.doFinal(), TAG_BYTES);
  }

  private static final class Secret {
    final SecretKeySpec key;
    final byte id;

    Secret(byte[] material) {
      this.key = new SecretKeySpec(material, ALGORITHM);
      try {
        this.id = MessageDigest.getInstance("SHA-256").digest(material)[0];
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("SHA-256 unavailable", e);
      }
    }

    Mac newMac() {
      try {
        Mac mac = Mac.getInstance(ALGORITHM);
        mac.init(key);
        return mac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(ALGORITHM + " unavailable", e);
      }
    }
  }
}
