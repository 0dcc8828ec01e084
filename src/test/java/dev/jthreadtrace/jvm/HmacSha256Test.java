package dev.jthreadtrace.jvm;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The tool's own HMAC-SHA-256 held to the JDK's (javax.crypto, java.security), and to RFC 4231's first case. */
class HmacSha256Test {
    @Test
    void rfc4231TestCase1() {
        byte[] key = new byte[20];
        java.util.Arrays.fill(key, (byte) 0x0b);
        assertEquals("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
                HexFormat.of().formatHex(new HmacSha256(key).of("Hi There".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void theSameAsTheJdksForEveryLengthAroundTheBlocks() throws Exception {
        Random random = new Random(42);
        for (int length = 0; length < 300; length++) {
            byte[] message = new byte[length], key = new byte[1 + random.nextInt(100)];
            random.nextBytes(message);
            random.nextBytes(key);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(message), HmacSha256.sha256(message), "sha256 of " + length);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            assertArrayEquals(mac.doFinal(message), new HmacSha256(key).of(message), "hmac of " + length + ", key " + key.length);
        }
    }
}
