package dev.jthreadtrace.check;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The selector glob: shell semantics on whole names, in time linear in pattern × name. */
class GlobTest {
    @ParameterizedTest(name = "\"{0}\" ~ \"{1}\" = {2}")
    @CsvSource(delimiter = ';', value = {
            "*;'';true", "'';'';true", "'';a;false", "?;'';false", "*;anything;true",
            "inner-*;inner-1;true", "inner-*;inner-;true", "inner-*;xinner-1;false", "inner-?;inner-12;false",
            "inner-??;inner-12;true", "*-1;inner-1;true", "*-1;inner-12;false", "a*b*c;abc;true",
            "a*b*c;aXbYbZc;true", "a*b*c;aXbYcZ;false", "*a*a*b;aaab;true", "*a*a*b;aab;true", "*a*a*b;ab;false",
            "**x**;x;true", "*.*;a.b;true", "a.c;abc;false", "[ab];a;true", "[ab];[ab];true", "[ab];ab;false", "[[]ab];[ab];true", "[[]ab];[ab;false", "[USR1];[USR1];true",
            "[[]USR1];[USR1];true", "[USR1];U;true", "pool[0-9];pool[0-9];true", "(x)+;(x)+;true",
            "pool[0-9];pool1;true", "pool[0-9];pool;false", "pool[0-9];poolx;false", "pool[!0-9];poolx;true", "pool[^0-9];pool1;false",
            "[]x];];true", "[]x];x;true", "[!]];];false", "a[;a[;true", "a[b;a[b;true", "[*];*;true", "[*];x;false", "[a-];-;true",
            "w[0-9]*-[a-c];w12-b;true", "*[0-9];pool-x9;true",
            "\\d;\\d;true", "\\d;1;false", "*?;'';false", "*?;z;true", "?*?;z;false",
            "h*p-nio-*-exec-1?;http-nio-9127-exec-10;true", "h*p-nio-*-exec-1?;http-nio-9127-exec-1;false",
    })
    void matchesLikeAShell(String glob, String name, boolean expected) {
        assertEquals(expected, Glob.compile(glob).matches(name));
    }

    @Test
    void questionMarkIsOneCodePointAndMatchingIsCaseSensitive() {
        assertTrue(Glob.compile("a?b").matches("a\uD83D\uDE00b"), "a supplementary character is one character");
        assertFalse(Glob.compile("a??b").matches("a\uD83D\uDE00b"));
        assertTrue(Glob.compile("*\n*").matches("two\nlines"), "a newline is a character like any other");
        assertFalse(Glob.compile("Inner-*").matches("inner-1"));
    }

    /** Patterns on which a backtracking matcher takes exponential time; each must finish at once. */
    @Test
    @Timeout(value = 5, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void pathologicalPatternsFinish() {
        String name = "a".repeat(5000);
        assertFalse(Glob.compile("*a".repeat(200) + "*b").matches(name));
        assertTrue(Glob.compile("*a".repeat(200) + "*").matches(name));
        assertFalse(Glob.compile("*".repeat(1000) + "x").matches(name));
        assertFalse(Glob.compile("*?".repeat(5001)).matches(name));
        assertTrue(Glob.compile("*?".repeat(5000)).matches(name));
    }

    /**
     * hostile12 F5, with bash as the oracle: {@code [[ $name == $pattern ]]} over the tester's names
     * and patterns (POSIX classes never matched, {@code \*} and {@code \?} matched every name).
     */
    @Test
    void matchesAsBashDoesOverHostileNamesAndPatterns() throws Exception {
        List<String> names = List.of("]", "a]b", "[x]", "-", "a-b", "\\", "a\\b", "*", "?", "ab", "a", "b", "!", "^", "x[y", "z", "A", ".",
                "\u00e9", "a\u00e9", "worker-7", "worker-x", "Tab\tx", "1f");
        List<String> patterns = List.of("[]]", "[]a]", "[!]]", "[^]]", "a[]]b", "[a-]", "[-a]", "[!a-]", "[a-b]", "[b-a]", "\\*", "\\?",
                "\\\\", "a\\\\b", "[\\]]", "[*]", "[?]", "[[]x]", "x[y", "[!]", "[]", "?", "??", "[!a]", "[^!]", "[!^]", "[.]", "*b",
                "[[:alpha:]]", "[[:upper:]]", "[[:lower:]]", "[[:punct:]]", "[[:digit:]]", "[[:alnum:]]*", "*[[:upper:]]*",
                "worker-[[:digit:]]", "[![:alpha:]]", "[[:xdigit:]][[:xdigit:]]", "*[[:space:]]*", "[[:alpha:]-]", "[[:nope:]]",
                "[a-z]", "[A-Z]", "?\u00e9", "[\u00e9]", "a[\u00e9]", "[!\u00e9]", "\\a*", "a\\", "[\\!]");
        List<String> command = new java.util.ArrayList<>(List.of("bash", "-c", "n=$1; shift; names=(\"${@:1:n}\"); shift $n;"
                + " for p in \"$@\"; do for x in \"${names[@]}\"; do [[ $x == $p ]] && printf 1 || printf 0; done; echo; done",
                "bash", Integer.toString(names.size())));
        command.addAll(names);
        command.addAll(patterns);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process bash = pb.start();
        List<String> rows = new String(bash.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, bash.waitFor());
        assertEquals(patterns.size(), rows.size(), rows.toString());
        for (int p = 0; p < patterns.size(); p++) {
            Glob glob = Glob.compile(patterns.get(p));
            StringBuilder ours = new StringBuilder();
            for (String name : names) ours.append(glob.matches(name) ? '1' : '0');
            assertEquals(rows.get(p), ours.toString(), "pattern " + patterns.get(p) + " over " + names);
        }
    }
}
