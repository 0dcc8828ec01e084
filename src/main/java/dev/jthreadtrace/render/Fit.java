package dev.jthreadtrace.render;

import dev.jthreadtrace.text.Columns;

import java.util.ArrayList;
import java.util.List;

/**
 * The report's last word on width: a line wider than the width (the terminal's, or {@code --width})
 * is broken at its last space that fits, and the rest continues on the next lines, indented under
 * the row it belongs to. Colour escapes take no columns and are never split. Sections lay their
 * columns out to fit first; this is what keeps a long value (a creation site, a list of heirs, a
 * thread name from the target) from running past the edge however long it is.
 */
final class Fit {
    /** Columns a continuation line is indented beyond its row's own indentation. */
    static final int HANG = 4;

    private Fit() {
    }

    /** {@code line} as lines of at most {@code width} columns (trailing blanks dropped). */
    static List<String> lines(String line, int width) {
        String rest = line.stripTrailing();
        List<String> out = new ArrayList<>();
        int lead = leadingBlanks(rest);
        String indent = " ".repeat(Math.min(lead + HANG, width / 3));
        boolean first = true;
        while (true) {
            int cut = breakAt(rest, first ? width : width - indent.length());
            if (cut >= rest.length()) {
                out.add(first ? rest : indent + rest);
                return out;
            }
            out.add((first ? "" : indent) + rest.substring(0, cut).stripTrailing());
            rest = rest.substring(cut).stripLeading();
            first = false;
        }
    }

    /**
     * Where to end the line's first {@code width} columns: at its last gap between columns, or its
     * last space that fits (not one in the row's leading blanks), or at the width itself when there
     * is none. The string's length when the whole fits.
     */
    private static int breakAt(String s, int width) {
        int column = 0, lastSpace = -1, lastGap = -1, lead = leadingBlanks(s);
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\u001b') {
                i = escapeEnd(s, i);
                continue;
            }
            int cp = s.codePointAt(i), columns = Columns.of(cp);
            // A gap between columns (two blanks) in the line's second half keeps a value whole. A
            // wide character that would straddle the edge goes to the next line.
            if (column + columns > width) return lastGap > width / 2 ? lastGap : lastSpace > lead ? lastSpace : i;
            if (c == ' ' && i > lead) {
                if (i == lastSpace + 1) lastGap = i;
                lastSpace = i;
            }
            i += Character.charCount(cp);
            column += columns;
        }
        return s.length();
    }

    /** The index after a colour escape ({@code ESC [ ... m}) that starts at {@code i}. */
    private static int escapeEnd(String s, int i) {
        int j = i + 1;
        if (j < s.length() && s.charAt(j) == '[') {
            j++;
            while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == ';')) j++;
            if (j < s.length() && s.charAt(j) == 'm') return j + 1;
        }
        return i + 1;
    }

    private static int leadingBlanks(String s) {
        int n = 0;
        while (n < s.length() && s.charAt(n) == ' ') n++;
        return n;
    }
}
