package dev.jthreadtrace.decode;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyscallTableTest {
    private static final Path HEADER = Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");

    @Test
    void everySyscallOfTheInstalledUapiHeaderIsInTheTableWithItsNumber() throws IOException {
        assertTrue(Files.exists(HEADER), HEADER + " is missing: install linux-libc-dev (it comes with gcc's libc6-dev)");
        Pattern define = Pattern.compile("^#define __NR_(\\w+) (\\d+)$");
        int checked = 0;
        for (String line : Files.readAllLines(HEADER)) {
            Matcher m = define.matcher(line);
            if (!m.matches()) continue;
            int nr = Integer.parseInt(m.group(2));
            assertEquals(m.group(1), SyscallTable.name(nr), "syscall " + nr);
            assertEquals(nr, SyscallTable.number(m.group(1)).orElseThrow());
            checked++;
        }
        assertTrue(checked > 350, "the header defines hundreds of syscalls, saw " + checked);
        assertTrue(SyscallTable.size() >= checked);
    }

    @Test
    void numbersTheDecodersDependOn() {
        assertEquals(56, SyscallTable.CLONE);
        assertEquals(435, SyscallTable.CLONE3);
        assertEquals(202, SyscallTable.FUTEX);
        assertEquals(449, SyscallTable.FUTEX_WAITV);
        assertEquals(9, SyscallTable.MMAP);
        assertEquals(157, SyscallTable.PRCTL);
        assertEquals("syscall_0x1ff", SyscallTable.name(511));
    }
}
