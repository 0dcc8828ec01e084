package dev.jthreadtrace.text;

/**
 * How many terminal columns a character takes, as a terminal (and the C library's {@code wcwidth}
 * under a UTF-8 locale) counts them: East Asian wide and fullwidth characters (CJK, kana, Hangul
 * syllables, most emoji) take two, combining marks and format characters none, the rest one. Thread
 * names come from the target and may be in any script; a report that counted code points would run a
 * Chinese name's row past the terminal's edge. Escaped control characters never reach here.
 */
public final class Columns {
    /**
     * Inclusive ranges of two-column characters, in order: Unicode's East Asian Width W and F, as
     * glibc's C.UTF-8 {@code wcwidth} gives them (ranges joined across unassigned code points;
     * {@code ColumnsTest} compares every assigned code point with the C library's answer).
     */
    private static final int[] WIDE = {
        0x1100, 0x115F, 0x231A, 0x231B, 0x2329, 0x232A, 0x23E9, 0x23EC, 0x23F0, 0x23F0, 0x23F3, 0x23F3, 0x25FD, 0x25FE,
        0x2614, 0x2615, 0x2648, 0x2653, 0x267F, 0x267F, 0x2693, 0x2693, 0x26A1, 0x26A1, 0x26AA, 0x26AB, 0x26BD, 0x26BE,
        0x26C4, 0x26C5, 0x26CE, 0x26CE, 0x26D4, 0x26D4, 0x26EA, 0x26EA, 0x26F2, 0x26F3, 0x26F5, 0x26F5, 0x26FA, 0x26FA,
        0x26FD, 0x26FD, 0x2705, 0x2705, 0x270A, 0x270B, 0x2728, 0x2728, 0x274C, 0x274C, 0x274E, 0x274E, 0x2753, 0x2755,
        0x2757, 0x2757, 0x2795, 0x2797, 0x27B0, 0x27B0, 0x27BF, 0x27BF, 0x2B1B, 0x2B1C, 0x2B50, 0x2B50, 0x2B55, 0x2B55,
        0x2E80, 0x3029, 0x302E, 0x303E, 0x3041, 0x3096, 0x309B, 0xA4C6, 0xA960, 0xA97C, 0xAC00, 0xD7A3, 0xF900, 0xFAD9,
        0xFE10, 0xFE19, 0xFE30, 0xFE6B, 0xFF01, 0xFF60, 0xFFE0, 0xFFE6, 0x16FE0, 0x16FE3, 0x16FF0, 0x1B2FB, 0x1F004, 0x1F004,
        0x1F0CF, 0x1F0CF, 0x1F18E, 0x1F18E, 0x1F191, 0x1F19A, 0x1F200, 0x1F320, 0x1F32D, 0x1F335, 0x1F337, 0x1F37C,
        0x1F37E, 0x1F393, 0x1F3A0, 0x1F3CA, 0x1F3CF, 0x1F3D3, 0x1F3E0, 0x1F3F0, 0x1F3F4, 0x1F3F4, 0x1F3F8, 0x1F43E,
        0x1F440, 0x1F440, 0x1F442, 0x1F4FC, 0x1F4FF, 0x1F53D, 0x1F54B, 0x1F54E, 0x1F550, 0x1F567, 0x1F57A, 0x1F57A,
        0x1F595, 0x1F596, 0x1F5A4, 0x1F5A4, 0x1F5FB, 0x1F64F, 0x1F680, 0x1F6C5, 0x1F6CC, 0x1F6CC, 0x1F6D0, 0x1F6D2,
        0x1F6D5, 0x1F6DF, 0x1F6EB, 0x1F6EC, 0x1F6F4, 0x1F6FC, 0x1F7E0, 0x1F7F0, 0x1F90C, 0x1F93A, 0x1F93C, 0x1F945,
        0x1F947, 0x1F9FF, 0x1FA70, 0x1FAF6, 0x20000, 0x2FFFD, 0x30000, 0x3FFFD,
    };

    private Columns() {}

    /** Columns of one code point: 0, 1 or 2. */
    public static int of(int codePoint) {
        if (codePoint < 0x300) return codePoint == 0 ? 0 : 1; // Latin-1 and the spacing letters: the common case, at once
        if (zeroWidth(codePoint)) return 0;
        return wide(codePoint) ? 2 : 1;
    }

    /** Columns of a string (no escape sequences in it). */
    public static int of(CharSequence s) {
        int columns = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = Character.codePointAt(s, i);
            columns += of(cp);
            i += Character.charCount(cp);
        }
        return columns;
    }

    private static boolean zeroWidth(int cp) {
        // Hangul's medial vowels and final consonants join the syllable before them.
        if (cp >= 0x1160 && cp <= 0x11FF || cp >= 0xD7B0 && cp <= 0xD7FF) return true;
        if (prependedMark(cp)) return false;
        return switch (Character.getType(cp)) {
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.FORMAT -> true;
            default -> false;
        };
    }

    /** Format characters that are drawn (Unicode's Prepended_Concatenation_Mark: the Arabic number signs and their kin). */
    private static boolean prependedMark(int cp) {
        return cp >= 0x600 && cp <= 0x605 || cp == 0x6DD || cp == 0x70F || cp == 0x890 || cp == 0x891 || cp == 0x8E2
                || cp == 0x110BD || cp == 0x110CD;
    }

    private static boolean wide(int cp) {
        int low = 0, high = WIDE.length / 2 - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (cp < WIDE[2 * mid]) high = mid - 1;
            else if (cp > WIDE[2 * mid + 1]) low = mid + 1;
            else return true;
        }
        return false;
    }
}
