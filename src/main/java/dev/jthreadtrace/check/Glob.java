package dev.jthreadtrace.check;

import java.util.ArrayList;
import java.util.List;

/**
 * Shell-style name patterns for selectors: {@code *} any run of characters, {@code ?} one character
 * (a code point), {@code [...]} one character of a class as the shell has it ({@code [0-9]},
 * {@code [abc]}, {@code [!a-z]} or {@code [^a-z]} for any other; a {@code ]} first in the class is
 * itself; a {@code [} without its {@code ]} is itself), every other character itself. {@code [[]}
 * and {@code [*]} match a bracket or a star. A text equal to the pattern matches it too: a value that
 * holds brackets ({@code sigmask == "[USR1]"}) compares as written.
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

    /** {@code ranges}: pairs of first and last code point. */
    private record CharClass(boolean negated, int[] ranges) implements Part {}

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
            if (c == '*') parts.add(STAR);
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
        for (; i < cps.length; i++) if (cps[i] == ']') return i;
        return -1;
    }

    private static CharClass bracket(int[] cps, int from, int end) {
        boolean negated = cps[from] == '!' || cps[from] == '^';
        int i = negated ? from + 1 : from;
        List<Integer> ranges = new ArrayList<>();
        while (i < end) {
            int first = cps[i], last = first;
            if (i + 2 < end && cps[i + 1] == '-') {
                last = cps[i + 2];
                i += 3;
            } else {
                i++;
            }
            ranges.add(first);
            ranges.add(last);
        }
        return new CharClass(negated, ranges.stream().mapToInt(Integer::intValue).toArray());
    }

    private static boolean accepts(Part part, int c) {
        return switch (part) {
            case Star s -> false;
            case Any a -> true;
            case One o -> o.literal() == c;
            case CharClass k -> {
                boolean in = false;
                for (int r = 0; r + 1 < k.ranges().length && !in; r += 2) in = c >= k.ranges()[r] && c <= k.ranges()[r + 1];
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
