package dev.jthreadtrace.decode;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kernel bytes to a String that keeps every byte, and back. */
class KernelBytesTest {
    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) out[i] = (byte) b[i];
        return out;
    }

    @Test
    void validUtf8IsDecodedAndEveryOtherByteKeptAsItsOwnSurrogate() {
        assertEquals("inner-1", KernelBytes.decode("inner-1".getBytes(StandardCharsets.UTF_8)));
        assertEquals("é\uD83D\uDE00", KernelBytes.decode("é\uD83D\uDE00".getBytes(StandardCharsets.UTF_8)));
        assertEquals("\uDCFF\uDCFE-bad", KernelBytes.decode(bytes(0xff, 0xfe, '-', 'b', 'a', 'd')));
        assertNotEquals(KernelBytes.decode(bytes(0xff, 0xfe)), KernelBytes.decode(bytes(0xfe, 0xff)), "distinct names stay distinct");
        assertEquals("cut-\uDCC3", KernelBytes.decode(bytes('c', 'u', 't', '-', 0xc3)), "a sequence cut at the 15th byte");
        assertEquals("\uDCC0\uDC80", KernelBytes.decode(bytes(0xc0, 0x80)), "an overlong NUL is not UTF-8");
        assertEquals("\uDCED\uDCA0\uDC80", KernelBytes.decode(bytes(0xed, 0xa0, 0x80)), "nor is an encoded surrogate");
        assertEquals("\uDCF4\uDC90\uDC80\uDC80", KernelBytes.decode(bytes(0xf4, 0x90, 0x80, 0x80)), "nor anything above U+10FFFF");
        assertEquals("a\uDCE2\uDC82b", KernelBytes.decode(bytes('a', 0xe2, 0x82, 'b')));
    }

    @Test
    void encodeGivesTheBytesBackForAnyInput() {
        Random random = new Random(26);
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[random.nextInt(20)];
            random.nextBytes(b);
            String s = KernelBytes.decode(b);
            assertArrayEquals(b, KernelBytes.encode(s), s);
        }
        // A real low surrogate after a high one is a character, not an escaped byte.
        assertArrayEquals("\uD800\uDC80".getBytes(StandardCharsets.UTF_8), KernelBytes.encode("\uD800\uDC80"));
        assertTrue(KernelBytes.isEscapedByte(0xdc80) && KernelBytes.isEscapedByte(0xdcff));
        assertFalse(KernelBytes.isEscapedByte(0xdc7f) || KernelBytes.isEscapedByte(0xfffd));
    }
}
