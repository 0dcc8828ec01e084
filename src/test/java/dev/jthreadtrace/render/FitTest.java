package dev.jthreadtrace.render;

import dev.jthreadtrace.text.Units;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FitTest {
    @Test
    void aLineThatFitsIsKeptWithoutItsTrailingBlanks() {
        assertEquals(List.of("1202 inner-1   exit 0"), Fit.lines("1202 inner-1   exit 0      ", 60));
    }

    @Test
    void aLongLineBreaksAtASpaceAndContinuesIndentedUnderItsRow() {
        String row = "  1203 inner-2  from 1202 inner-1 @8.0ms  name=inner-1  sigmask=[USR1] (set @6.0ms by 1202 inner-1)"
                + "  affinity=0 (set @5.0ms by 1202 inner-1)";
        List<String> lines = Fit.lines(row, 60);
        for (String l : lines) assertTrue(Units.width(l) <= 60, l);
        assertTrue(lines.size() > 1);
        assertTrue(lines.get(1).startsWith("      ") && !lines.get(1).startsWith("       "), "indented by its row's 2 and 4 more: " + lines);
        assertEquals(row.replaceAll(" +", " ").trim(), String.join(" ", lines).replaceAll(" +", " ").trim(), "nothing lost");
    }

    @Test
    void aWordWiderThanTheWidthIsCutAtTheWidth() {
        String word = "x".repeat(150);
        List<String> lines = Fit.lines(word, 60);
        assertEquals(60, lines.getFirst().length());
        assertEquals(word, String.join("", lines).replace(" ", ""));
        for (String l : lines) assertTrue(Units.width(l) <= 60, l);
    }

    @Test
    void colourTakesNoColumnsAndIsNeverSplit() {
        String red = "\u001b[31m", reset = "\u001b[0m";
        String line = (red + "word" + reset + " ").repeat(30);
        List<String> lines = Fit.lines(line, 60);
        for (String l : lines) {
            assertTrue(Units.width(l) <= 60, l);
            assertEquals(l.split("\u001b\\[31m", -1).length - 1, l.split("\u001b\\[0m", -1).length - 1, "whole escapes: " + l);
        }
        assertEquals(3, lines.size(), "150 columns: 12 words on the first line, 11 under it (4 columns of indent), 7 last: " + lines);
    }

    @Test
    void treeDrawingAndNonAsciiNamesAreMeasuredInCodePoints() {
        String tree = "│ └─1203 " + "é─".repeat(70);
        for (String l : Fit.lines(tree, 60)) assertTrue(Units.width(l) <= 60, l);
    }

    @Test
    void wideCharactersTakeTwoColumnsAndNoneStraddlesTheEdge() {
        String row = "  1203 " + "工作线程".repeat(20) + "  exit 0";
        List<String> lines = Fit.lines(row, 61);
        for (String l : lines) assertTrue(Units.width(l) <= 61, Units.width(l) + ": " + l);
        assertEquals(60, Units.width(lines.get(1)), "6 columns of indent, then 27 ideographs of two: the 28th would take column 62");
        assertEquals(row.replace(" ", ""), String.join("", lines).replace(" ", ""), "nothing lost");
    }
}
