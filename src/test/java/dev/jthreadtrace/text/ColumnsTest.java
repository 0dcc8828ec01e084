package dev.jthreadtrace.text;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Columns against an independent count: the C library's wcwidth(3) under C.UTF-8, for every code point it knows. */
class ColumnsTest {
    private static final int LC_CTYPE = 0;
    /** Changed by Unicode 16 (Java 25's), after the C library's Unicode 15: U+1171E became a spacing mark. */
    private static final java.util.Set<Integer> CHANGED_SINCE = java.util.Set.of(0x1171E);

    @Test
    void everyAssignedCodePointTakesTheColumnsTheCLibraryGivesIt() throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle setlocale = linker.downcallHandle(linker.defaultLookup().find("setlocale").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
        MethodHandle wcwidth = linker.downcallHandle(linker.defaultLookup().find("wcwidth").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        List<String> differences = new ArrayList<>();
        int compared = 0;
        try (Arena arena = Arena.ofConfined()) {
            String before = ((MemorySegment) setlocale.invokeExact(LC_CTYPE, MemorySegment.NULL)).reinterpret(256).getString(0);
            MemorySegment set = (MemorySegment) setlocale.invokeExact(LC_CTYPE, arena.allocateFrom("C.UTF-8"));
            assertNotEquals(MemorySegment.NULL, set, "this machine has the C.UTF-8 locale");
            try {
                for (int cp = 0x20; cp <= 0x10FFFF; cp++) {
                    // Unassigned (-1 from the C library), surrogates, and what Java's newer Unicode assigned since.
                    int theirs = (int) wcwidth.invokeExact(cp);
                    if (theirs < 0 || !Character.isDefined(cp) || Character.isISOControl(cp) || CHANGED_SINCE.contains(cp)) continue;
                    compared++;
                    if (Columns.of(cp) != theirs && differences.size() < 20) {
                        differences.add(String.format("U+%04X %s: ours %d, wcwidth %d", cp, Character.getName(cp), Columns.of(cp), theirs));
                    }
                }
            } finally {
                MemorySegment ignored = (MemorySegment) setlocale.invokeExact(LC_CTYPE, arena.allocateFrom(before));
            }
        }
        assertTrue(compared > 100_000, "code points compared: " + compared);
        assertEquals(List.of(), differences);
    }

    @Test
    void aStringCountsWideAndCombiningCharacters() {
        assertEquals(5, Columns.of("main1"));
        assertEquals(8, Columns.of("工作线程"));          // four CJK ideographs, two columns each
        assertEquals(3, Columns.of("e\u0301te\u0301"));    // é written with a combining accent: one column each
        assertEquals(4, Columns.of("🚀🚀"));               // emoji outside the BMP: surrogate pairs, two columns
        assertEquals(4, Units.width("\u001b[1m工作\u001b[0m"));
    }

    @Test
    void aCutNameFitsItsColumnsAndKeepsWholeCharacters() {
        assertEquals("工作…", Units.cut("工作线程", 6), "a third ideograph would make 7 columns with the ellipsis");
        assertEquals("工作…", Units.cut("工作线程", 5));
        assertEquals("🚀…", Units.cut("🚀🚀🚀", 4), "never half a surrogate pair");
        assertEquals("e\u0301…", Units.cut("e\u0301e\u0301e\u0301", 2), "the accent stays with its letter");
        assertEquals("工作线程", Units.cut("工作线程", 8));
        assertEquals("…线程", Units.cutStart("工作线程", 6), "the end kept");
        assertEquals("…Main.java:4", Units.cutStart("a.b.Main.java:4", 12));
    }
}
