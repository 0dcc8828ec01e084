package dev.jthreadtrace.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NameShapeTest {
    /** The loop folds exactly as the regex it replaced: runs of ASCII digits, nothing else. */
    @Test
    void foldsAsTheRegexDid() {
        String[] names = {"", "7", "123", "main", "pool-1-thread-3", "GC Thread#0", "C2 CompilerThread12",
                "a1b22c333", "12ab34", "x-", "９９ fullwidth", "٣ arabic-indic", "\uD83D\uDE00 1", "tab\t9\n8",
                "worker-0007", "#1#", "1 2 3"};
        for (String name : names) assertEquals(name.replaceAll("[0-9]+", "#"), NameShape.of(name), name);
    }
}
