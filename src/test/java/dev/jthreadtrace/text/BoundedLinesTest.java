package dev.jthreadtrace.text;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BoundedLinesTest {
    private static List<String> lines(String text, int max) throws IOException {
        List<String> out = new ArrayList<>();
        try (BoundedLines lines = new BoundedLines(new StringReader(text), max)) {
            for (String l; (l = lines.next()) != null; ) out.add(l);
        }
        return out;
    }

    @Test
    void linesEndAtNewlineACarriageReturnBeforeItIsDroppedAndTheLastNeedsNone() throws IOException {
        assertEquals(List.of("a", "", "b\rc", "d"), lines("a\n\r\nb\rc\r\nd", 10));
        assertEquals(List.of("a"), lines("a\n", 10));
        assertEquals(List.of(), lines("", 10));
    }

    @Test
    void aLineAtTheBoundIsReadOneLongerIsRefusedWithItsNumber() throws IOException {
        assertEquals(List.of("12345", "x"), lines("12345\nx", 5));
        BoundedLines.TooLong e = assertThrows(BoundedLines.TooLong.class, () -> lines("ok\n123456\n", 5));
        assertEquals(2, e.lineNo());
        assertEquals("line 2 is longer than 5 characters", e.getMessage());
    }

    @Test
    void aLineLongerThanTheReadBufferIsWhole() throws IOException {
        String longLine = "y".repeat(20_000);
        assertEquals(List.of(longLine, "z"), lines(longLine + "\nz\n", 20_000));
    }
}
