package dev.jthreadtrace.agent;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent's string fields: exact, one field and one line whatever they hold, bounded. */
class RecordFieldTest {
    @Test
    void whatTheAgentWritesTheToolReadsBackExactly() {
        Random random = new Random(26);
        char[] hostile = {'\\', '\t', '\n', '\r', '=', ';', '|', 'u', '0', '\u001b', '\ud800', '\udc80', '\ud83d', '\ude00', 'a', 'é', '\0'};
        for (int round = 0; round < 20_000; round++) {
            char[] s = new char[random.nextInt(12)];
            for (int i = 0; i < s.length; i++) s[i] = hostile[random.nextInt(hostile.length)];
            String value = new String(s);
            String field = RecordField.escape(value);
            for (char c : new char[] {'\t', '\n', '\r', '=', ';', '|', '\0'}) assertFalse(field.indexOf(c) >= 0, "separator " + (int) c + " in " + field);
            assertTrue(new String(field.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)
                    .equals(field), "UTF-8 keeps it: no unpaired surrogate left");
            assertEquals(value, RecordField.unescape(field));
        }
    }

    @Test
    void aPlainNameIsWrittenAsItIsAndALongOneIsCutWithAMarker() {
        String plain = "pool-1-thread-3 Größe";
        assertSame(plain, RecordField.escape(plain));
        String big = "n".repeat(70 * 1024);
        assertEquals("n".repeat(RecordField.MAX_CHARS) + "...[" + (70 * 1024 - RecordField.MAX_CHARS) + " more chars]",
                RecordField.unescape(RecordField.escape(big)));
        String pairAtTheCut = "x".repeat(RecordField.MAX_CHARS - 1) + "\ud83d\ude00";
        assertEquals("x".repeat(RecordField.MAX_CHARS - 1) + "...[2 more chars]", RecordField.cut(pairAtTheCut), "no half character");
        assertEquals("a\\tb", RecordField.unescape("a\\\\tb"), "an escaped backslash before t");
        assertEquals("\\q \\u12", RecordField.unescape("\\q \\u12"), "an escape it does not write is kept");
    }
}
