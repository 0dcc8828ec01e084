package dev.jthreadtrace.check;

/**
 * Shell-style name patterns for selectors: {@code *} any run of characters, {@code ?} one character
 * (a code point), every other character itself.
 *
 * <p>Matched with the two-pointer wildcard algorithm, not a regex: {@code .*} groups backtrack
 * exponentially on a pattern of many stars that almost matches (16 stars took 28 s), and an
 * assertion comes from the user's command line or file. Here a mismatch after a star only moves that
 * star's resume point one character on, so a match costs at most pattern length × text length steps.
 */
public final class Glob {
    private final int[] pattern;

    private Glob(int[] pattern) {
        this.pattern = pattern;
    }

    public static Glob compile(String glob) {
        return new Glob(glob.codePoints().toArray());
    }

    /** Whether the whole of {@code text} matches the pattern. */
    public boolean matches(String text) {
        int[] s = text.codePoints().toArray();
        int p = 0;
        int i = 0;
        int star = -1;      // position in the pattern just after the last '*' seen
        int resume = 0;     // text position that '*' is currently taken to end at
        while (i < s.length) {
            if (p < pattern.length && (pattern[p] == '?' || pattern[p] != '*' && pattern[p] == s[i])) {
                p++;
                i++;
            } else if (p < pattern.length && pattern[p] == '*') {
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
        while (p < pattern.length && pattern[p] == '*') p++;
        return p == pattern.length;
    }
}
