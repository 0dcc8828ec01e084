package dev.jthreadtrace.text;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Strings from the target, made safe for one line of text. */
class EscapeTest {
    @Test
    void plainTextIsReturnedAsItIs() {
        String s = "pool-1-thread-3 Größe 名前";
        assertSame(s, Escape.text(s));
    }

    @Test
    void controlCharactersAsStraceWritesThem() {
        assertEquals("a\\n 9.9 [1 x]", Escape.text("a\n 9.9 [1 x]"));
        assertEquals("\\33[2J\\33[31mred", Escape.text("\u001b[2J\u001b[31mred"));
        assertEquals("\\t\\r\\v\\f\\177", Escape.text("\t\r\u000b\f\u007f"));
        assertEquals("\\0001 \\0a", Escape.text("\u00001 \u0000a"), "three octal digits before a digit");
        assertEquals("back\\\\slash", Escape.text("back\\slash"), "a backslash is doubled, so escapes are unambiguous");
    }

    @Test
    void aNameInALinesThreadFieldHasNoBracket() {
        assertEquals("x\\x5d \\x5b1 main", Escape.name("x] [1 main"));
        assertEquals("a\\n 9.9 \\x5b1 x\\x5d", Escape.name("a\n 9.9 [1 x]"));
        assertEquals("\\\\x5b", Escape.name("\\x5b"), "the text \\x5b itself keeps its backslash doubled: distinct");
        String plain = "worker-1";
        assertSame(plain, Escape.name(plain));
    }

    @Test
    void whatTheUserTypedKeepsItsBackslashesButNotItsControls() {
        String typed = "inherits{name=\"quo\\\"te\"} == \"a\\\\b\"";
        assertEquals(typed, Escape.typed(typed), "shown as written: a backslash once");
        assertEquals("x\\33[31m \\u202e\\n", Escape.typed("x\u001b[31m \u202e\n"), "controls made visible");
    }

    @Test
    void charactersThatReorderOrHideTextAreEscaped() {
        assertEquals("\\u202eevil", Escape.text("\u202eevil"));
        assertEquals("a\\u2066b\\u2069c\\u200bd", Escape.text("a\u2066b\u2069c\u200bd"));
        assertEquals("x\\u2028y\\u0085z", Escape.text("x\u2028y\u0085z"));
        assertEquals("\\ud800", Escape.text("\ud800"), "an unpaired surrogate");
        assertEquals("\\ufffe", Escape.text("\ufffe"), "a non-character");
    }

    /** decode.KernelBytes keeps a byte that is not UTF-8 as U+DC80..U+DCFF: strace's \\xNN, so distinct names stay distinct. */
    @Test
    void aKernelByteThatIsNotUtf8IsItsHexEscape() {
        assertEquals("\\xff\\xfe-bad", Escape.text("\udcff\udcfe-bad"));
        assertEquals("\\xfe\\xff-bad", Escape.text("\udcfe\udcff-bad"));
        assertEquals("cut-\\xc3", Escape.text("cut-\udcc3"));
        assertEquals("\\udc7f", Escape.text("\udc7f"), "below U+DC80 it stands for no byte");
        assertEquals("\ud800\udc80", Escape.text("\ud800\udc80"), "a pair is a character, not a byte");
    }

    @Test
    void xmlKeepsWhatIsLegalAndEscapesOnlyWhatXml10Forbids() {
        assertEquals("a\\33b \\u202e", Escape.xml("a\\33b \\u202e"), "already escaped text is left alone");
        assertEquals("bell\\u0007 \\ufffe \\ud800 tab\there \ud83d\ude00", Escape.xml("bell\u0007 \ufffe \ud800 tab\there \ud83d\ude00"));
    }
}
