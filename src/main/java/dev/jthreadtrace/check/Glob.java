package dev.jthreadtrace.check;

import java.util.ArrayList;
import java.util.List;

/**
 * Shell-style name patterns for selectors: {@code *} any run of characters, {@code ?} one character
 * (a code point), {@code [...]} one character of a class as the shell has it ({@code [0-9]},
 * {@code [abc]}, {@code [!a-z]} or {@code [^a-z]} for any other; a {@code ]} first in the class is
 * itself; a {@code [} without its {@code ]} is itself; POSIX classes {@code [[:digit:]]},
 * {@code [[:alpha:]]}... as in a UTF-8 locale), a backslash makes the next character itself
 * ({@code \*} a star, as bash's {@code [[ $n == \* ]]}; in a quoted assertion string that is
 * {@code "\\*"}), every other character itself. {@code [[]} and {@code [*]} match a bracket or a
 * star. A text equal to the pattern matches it too: a value that holds brackets
 * ({@code sigmask == "[USR1]"}) compares as written. {@code GlobTest} compares with bash.
 *
 * <p>Matched with the two-pointer wildcard algorithm, not a regex: {@code .*} groups backtrack
 * exponentially on a pattern of many stars that almost matches (16 stars took 28 s), and an
 * assertion comes from the user's command line or file. Here a mismatch after a star only moves that
 * star's resume point one character on, so a match costs at most pattern length × text length steps.
 */
public final class Glob {
    /** One element of the pattern: a star, or one character that {@link #accepts} decides. */
    private sealed interface Part {}

    private record Star() implements Part {}

    private record One(int literal) implements Part {}

    private record Any() implements Part {}

    /** {@code ranges}: pairs of first and last code point; {@code named}: the POSIX classes in it. */
    private record CharClass(boolean negated, int[] ranges, List<Posix> named) implements Part {}

    /** The POSIX character classes of a bracket, as glibc has them in a UTF-8 locale (Unicode's categories). */
    private enum Posix {
        ALPHA(Character::isLetter), DIGIT(c -> c >= '0' && c <= '9'), ALNUM(c -> Character.isLetter(c) || c >= '0' && c <= '9'),
        UPPER(Character::isUpperCase), LOWER(Character::isLowerCase), SPACE(Character::isWhitespace),
        BLANK(c -> c == ' ' || c == '\t' || Character.getType(c) == Character.SPACE_SEPARATOR && c != 0xa0),
        CNTRL(Character::isISOControl), XDIGIT(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'),
        PRINT(c -> Character.isDefined(c) && !Character.isISOControl(c) && !Character.isSurrogate((char) c)),
        GRAPH(c -> PRINT.test(c) && !Character.isWhitespace(c) && !Character.isSpaceChar(c)),
        PUNCT(c -> GRAPH.test(c) && !Character.isLetterOrDigit(c)), WORD(c -> Character.isLetterOrDigit(c) || c == '_');

        private final java.util.function.IntPredicate test;

        Posix(java.util.function.IntPredicate test) {
            this.test = test;
        }

        boolean test(int c) {
            return test.test(c);
        }

        /** The class named {@code [:name:]}, or null. */
        static Posix named(String name) {
            for (Posix p : values()) if (p.name().toLowerCase(java.util.Locale.ROOT).equals(name)) return p;
            return null;
        }
    }

    private static final Star STAR = new Star();
    private static final Any ANY = new Any();

    private final String text;
    private final Part[] pattern;

    private Glob(String text, Part[] pattern) {
        this.text = text;
        this.pattern = pattern;
    }

    public static Glob compile(String glob) {
        int[] cps = glob.codePoints().toArray();
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < cps.length; i++) {
            int c = cps[i];
            if (c == '\\' && i + 1 < cps.length) parts.add(new One(cps[++i]));
            else if (c == '*') parts.add(STAR);
            else if (c == '?') parts.add(ANY);
            else if (c == '[' && closing(cps, i) > 0) {
                int end = closing(cps, i);
                parts.add(bracket(cps, i + 1, end));
                i = end;
            } else {
                parts.add(new One(c));
            }
        }
        return new Glob(glob, parts.toArray(Part[]::new));
    }

    /** The index of the {@code ]} that closes the class opened at {@code open}, or -1 when none does. */
    private static int closing(int[] cps, int open) {
        int i = open + 1;
        if (i < cps.length && (cps[i] == '!' || cps[i] == '^')) i++;
        if (i < cps.length && cps[i] == ']') i++; // a ']' first is a member
        for (; i < cps.length; i++) {
            if (cps[i] == ']') return i;
            if (cps[i] == '\\') i++; // an escaped ']' is a member
            else if (posixEnd(cps, i) > 0) i = posixEnd(cps, i); // the ']' of "[:digit:]" does not close the class
        }
        return -1;
    }

    /** The index of the {@code ]} ending a POSIX class {@code [:name:]} at {@code at}, or -1 when none starts there. */
    private static int posixEnd(int[] cps, int at) {
        if (at + 1 >= cps.length || cps[at] != '[' || cps[at + 1] != ':') return -1;
        for (int j = at + 2; j + 1 < cps.length; j++) if (cps[j] == ':' && cps[j + 1] == ']') return j + 1;
        return -1;
    }

    private static CharClass bracket(int[] cps, int from, int end) {
        boolean negated = cps[from] == '!' || cps[from] == '^';
        int i = negated ? from + 1 : from;
        List<Integer> ranges = new ArrayList<>();
        List<Posix> named = new ArrayList<>();
        while (i < end) {
            int posix = posixEnd(cps, i);
            if (posix > 0 && posix < end) {
                Posix p = Posix.named(new String(cps, i + 2, posix - i - 3));
                if (p != null) named.add(p); // an unknown name matches nothing, as in bash
                i = posix + 1;
                continue;
            }
            if (cps[i] == '\\' && i + 1 < end) i++;
            int first = cps[i], last = first;
            if (i + 2 < end && cps[i + 1] == '-') {
                int to = cps[i + 2] == '\\' && i + 3 < end ? i + 3 : i + 2;
                last = cps[to];
                i = to + 1;
            } else {
                i++;
            }
            ranges.add(first);
            ranges.add(last);
        }
        return new CharClass(negated, ranges.stream().mapToInt(Integer::intValue).toArray(), List.copyOf(named));
    }

    private static boolean accepts(Part part, int c) {
        return switch (part) {
            case Star s -> false;
            case Any a -> true;
            case One o -> o.literal() == c;
            case CharClass k -> {
                boolean in = false;
                for (int r = 0; r + 1 < k.ranges().length && !in; r += 2) in = c >= k.ranges()[r] && c <= k.ranges()[r + 1];
                for (Posix p : k.named()) in = in || p.test(c);
                yield in != k.negated();
            }
        };
    }

    /** Whether the whole of {@code text} matches the pattern. */
    public boolean matches(String text) {
        if (this.text.equals(text)) return true;
        int[] s = text.codePoints().toArray();
        int p = 0;
        int i = 0;
        int star = -1;      // position in the pattern just after the last '*' seen
        int resume = 0;     // text position that '*' is currently taken to end at
        while (i < s.length) {
            if (p < pattern.length && accepts(pattern[p], s[i])) {
                p++;
                i++;
            } else if (p < pattern.length && pattern[p] == STAR) {
                star = ++p;
                resume = i;
            } else if (star >= 0) {
                // Only the last star needs to grow: an earlier star's extra characters could as well
                // be taken by the later one, so earlier choices are never revisited.
                p = star;
                i = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length && pattern[p] == STAR) p++;
        return p == pattern.length;
    }
}
