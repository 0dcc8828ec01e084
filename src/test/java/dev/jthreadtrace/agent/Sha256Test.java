package dev.jthreadtrace.agent;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Sha256Test {
    @Test
    void theFipsExamples() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Sha256.hex("abc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Sha256.hex(new byte[0]));
        assertEquals("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
                Sha256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void agreesWithTheJdkOnEveryLengthAroundTheBlockEdgesAndOnLargeInputs() throws Exception {
        Random random = new Random(42);
        MessageDigest jdk = MessageDigest.getInstance("SHA-256");
        for (int length : new int[] {1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 40_000, 1 << 20}) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            assertEquals(HexFormat.of().formatHex(jdk.digest(data)), Sha256.hex(data), "length " + length);
        }
    }
}
