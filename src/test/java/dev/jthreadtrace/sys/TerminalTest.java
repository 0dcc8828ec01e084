package dev.jthreadtrace.sys;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TerminalTest {
    @Test
    void whatCannotBeATerminalIsToldWithoutLibc(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("out.txt"), "x");
        assertFalse(Terminal.maybeTerminal(file), "a regular file");
        assertFalse(Terminal.maybeTerminal(dir), "a directory");
        assertFalse(Terminal.maybeTerminal(Path.of("/dev/null")), "a memory device");
        assertFalse(Terminal.maybeTerminal(Path.of("/dev/zero")), "a memory device");
    }

    @Test
    void aTerminalDeviceIsAskedOfTheKernel() {
        // /dev/ptmx (major 5) and /dev/tty: character devices that are terminals; the stat does not decide.
        assertTrue(Terminal.maybeTerminal(Path.of("/dev/ptmx")));
        assertTrue(Terminal.maybeTerminal(Path.of("/dev/tty")));
        assertTrue(Terminal.maybeTerminal(Path.of("/no/such/descriptor")), "unknown: ask the kernel");
    }

    @Test
    void answersAsIsattyForTheTestsOwnDescriptors() {
        for (int fd = 0; fd <= 2; fd++) {
            assertEquals(Libc.isatty(fd), Terminal.isTerminal(fd), "fd " + fd);
            assertEquals(Libc.terminalColumns(fd), Terminal.columns(fd), "fd " + fd);
        }
    }

    @Test
    void inTheForegroundWhenTheTerminalsGroupIsOurs() {
        // pid (comm) state ppid pgrp session tty_nr tpgid flags ...; a name may hold ") (" and spaces.
        assertTrue(Terminal.inForeground("4242 (java) S 4200 4242 4100 34816 4242 4194560 0 0"));
        assertTrue(Terminal.inForeground("4242 (a) (b c) S 4200 4242 4100 34816 4242 4194560"));
        assertFalse(Terminal.inForeground("4242 (java) S 4200 4242 4100 34816 4300 4194560"), "a background group");
        assertFalse(Terminal.inForeground("4242 (java) S 4200 4242 4242 0 -1 4194560"), "no controlling terminal");
        assertFalse(Terminal.inForeground("4242 (java) S 4200"), "cut short");
    }

    @Test
    void majorAsGlibcSplitsIt() {
        assertEquals(1, Terminal.major(0x0103)); // /dev/null: 1,3
        assertEquals(136, Terminal.major(0x8800)); // /dev/pts/0
        assertEquals(0x1234, Terminal.major(0x0000_1000_0002_3400L)); // a major above 4095: its high bits at 44
    }
}
