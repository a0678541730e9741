package io.caspian.memcached.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.caspian.memcached.MemcachedSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValueSignerTest {
  private static final byte[] OLD = "the-old-secret-0123456789".getBytes(StandardCharsets.UTF_8);
  private static final byte[] NEW = "the-new-secret-0123456789".getBytes(StandardCharsets.UTF_8);

  private static ValueSigner signer(byte[] current, byte[] previous) {
    return ValueSigner.of(Optional.ofNullable(current), Optional.ofNullable(previous));
  }

  @Test
  void aSignedValueVerifiesUnderItsKeyAndYieldsItsPayload() {
    ValueSigner signer = signer(NEW, null);
    byte[] payload = {'K', 0, 1, 2, 3};
    byte[] stored = signer.sign("ns:c:s:k", payload);
    assertEquals(payload.length + signer.overhead(), stored.length);
    assertEquals(ValueSigner.Outcome.VALID, signer.verify("ns:c:s:k", stored));
    assertArrayEquals(payload, signer.payload(stored));
  }

  @Test
  void everyFlippedBitAndEveryOtherKeyFailsVerification() {
    ValueSigner signer = signer(NEW, null);
    byte[] stored = signer.sign("ns:c:s:k", "some entry bytes".getBytes(StandardCharsets.UTF_8));
    for (int i = 2; i < stored.length; i++) { // bytes 0-1 are the magic and key id: flipping them is checked below
      for (int bit = 0; bit < 8; bit++) {
        byte[] altered = stored.clone();
        altered[i] ^= (byte) (1 << bit);
        assertEquals(ValueSigner.Outcome.BAD_TAG, signer.verify("ns:c:s:k", altered), "byte " + i + " bit " + bit);
      }
    }
    assertEquals(ValueSigner.Outcome.BAD_TAG, signer.verify("ns:c:s:k2", stored), "copied to another key");
    assertEquals(ValueSigner.Outcome.BAD_TAG, signer.verify("ns:c:s:", stored));
    byte[] otherId = stored.clone();
    otherId[1] ^= 1;
    assertEquals(ValueSigner.Outcome.UNKNOWN_KEY, signer.verify("ns:c:s:k", otherId));
    byte[] unsigned = stored.clone();
    unsigned[0] = 'K';
    assertEquals(ValueSigner.Outcome.UNSIGNED, signer.verify("ns:c:s:k", unsigned));
    assertEquals(ValueSigner.Outcome.UNSIGNED, signer.verify("ns:c:s:k", new byte[] {'K', 0}));
    assertEquals(ValueSigner.Outcome.BAD_TAG, signer.verify("ns:c:s:k",
        java.util.Arrays.copyOf(stored, stored.length - 1)), "truncated");
  }

  @Test
  void theKeyLengthIsPartOfTheTagSoKeyAndPayloadCannotBeResplit() {
    ValueSigner signer = signer(NEW, null);
    byte[] stored = signer.sign("ab", new byte[] {'c', 'd'});
    byte[] moved = signer.sign("abc", new byte[] {'d'});
    assertNotEquals(java.util.Arrays.toString(java.util.Arrays.copyOfRange(stored, 2, 18)),
        java.util.Arrays.toString(java.util.Arrays.copyOfRange(moved, 2, 18)));
  }

  @Test
  void rotationReadsThePreviousSecretAndWritesTheNewOne() {
    ValueSigner before = signer(OLD, null);
    ValueSigner during = signer(NEW, OLD);
    ValueSigner after = signer(NEW, null);
    byte[] oldValue = before.sign("k", new byte[] {1, 2});
    assertEquals(ValueSigner.Outcome.VALID, during.verify("k", oldValue));
    assertArrayEquals(new byte[] {1, 2}, during.payload(oldValue));
    byte[] newValue = during.sign("k", new byte[] {3});
    assertEquals(ValueSigner.Outcome.VALID, after.verify("k", newValue));
    assertEquals(ValueSigner.Outcome.UNKNOWN_KEY, after.verify("k", oldValue), "rotated out");
    assertEquals(ValueSigner.Outcome.UNKNOWN_KEY, before.verify("k", newValue), "not yet known");
  }

  @Test
  void countersPassUnsignedAndNoSignerAcceptsEverything() {
    ValueSigner signer = signer(NEW, null);
    assertEquals(ValueSigner.Outcome.COUNTER, signer.verify("clock", "1234567 ".getBytes(StandardCharsets.US_ASCII)));
    byte[] raw = {'K', 1, 2};
    assertEquals(ValueSigner.Outcome.VALID, ValueSigner.NONE.verify("k", raw));
    assertSame(raw, ValueSigner.NONE.sign("k", raw));
    assertSame(raw, ValueSigner.NONE.payload(raw));
  }

  @Test
  void secretsComeFromAPropertyOrAFileAndMustBeLongEnough(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("key");
    Files.writeString(file, "  a-secret-from-a-file-0123\n");
    MemcachedSettings fromFile = MemcachedSettings.fromProperties(Map.of(SecuritySettings.KEY_FILE, file.toString()));
    assertTrue(fromFile.signed());
    ValueSigner expected = signer("a-secret-from-a-file-0123".getBytes(StandardCharsets.UTF_8), null);
    assertEquals(ValueSigner.Outcome.VALID, expected.verify("k", fromFile.signer().sign("k", new byte[] {1})),
        "the file's content without surrounding whitespace");

    IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class,
        () -> MemcachedSettings.fromProperties(Map.of(SecuritySettings.KEY, "short")));
    assertTrue(tooShort.getMessage().contains(SecuritySettings.KEY) && !tooShort.getMessage().contains("short'"),
        tooShort.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MemcachedSettings.fromProperties(Map.of(
        SecuritySettings.KEY, "0123456789abcdef", SecuritySettings.KEY_FILE, file.toString())));
    assertThrows(IllegalArgumentException.class, () -> MemcachedSettings.fromProperties(Map.of(
        SecuritySettings.PREVIOUS_KEY, "0123456789abcdef")), "a previous key alone is a mistake");
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> MemcachedSettings.fromProperties(Map.of(SecuritySettings.KEY_FILE, dir.resolve("absent").toString())));
    assertTrue(missing.getMessage().contains(SecuritySettings.KEY_FILE), missing.getMessage());
    MemcachedSettings settings = MemcachedSettings.fromProperties(Map.of(SecuritySettings.KEY, "0123456789abcdef"));
    assertTrue(!settings.toString().contains("0123456789abcdef"), "never printed: " + settings);
  }
}
