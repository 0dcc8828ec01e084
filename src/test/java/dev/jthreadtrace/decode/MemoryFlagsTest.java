package dev.jthreadtrace.decode;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Expected strings are strace 6.1's for the same arguments. */
class MemoryFlagsTest {
    private static String call(int nr, long... args) {
        return SyscallDecoder.call(nr, args, Captures.NONE, 32);
    }

    @Test
    void mmapFlagMixes() {
        assertEquals("mmap(NULL, 16384, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)",
                call(SyscallTable.MMAP, 0, 16384, 3, 0x22, -1, 0));
        assertEquals("mmap(NULL, 4096, PROT_NONE, MAP_SHARED|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0)",
                call(SyscallTable.MMAP, 0, 4096, 0, 0x4021, 0xffffffffL, 0));
        assertEquals("mmap(0x7f7ec4612000, 4096, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS|MAP_STACK, -1, 0)",
                call(SyscallTable.MMAP, 0x7f7ec4612000L, 4096, 1, 0x20032, -1, 0));
        assertEquals("mmap(NULL, 4096, PROT_READ|PROT_WRITE|PROT_EXEC, MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE, -1, 0)",
                call(SyscallTable.MMAP, 0, 4096, 7, 0x8022, -1, 0));
        assertEquals("mmap(0x7f7ec4451000, 1400832, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x26000)",
                call(SyscallTable.MMAP, 0x7f7ec4451000L, 1400832, 5, 0x812, 3, 0x26000));
        assertEquals("mmap(0x1000, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE, -1, 0)",
                call(SyscallTable.MMAP, 0x1000, 4096, 1, 0x100022, -1, 0));
        assertEquals("mmap(NULL, 2097152, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|21<<MAP_HUGE_SHIFT, -1, 0)",
                call(SyscallTable.MMAP, 0, 2097152, 3, 0x22 | 0x40000 | (21L << 26), -1, 0));
    }

    @Test
    void unknownBitsAreKeptAsHex() {
        assertEquals("mmap(NULL, 4096, PROT_READ|0x10, MAP_PRIVATE|MAP_ANONYMOUS|0x200000, -1, 0)",
                call(SyscallTable.MMAP, 0, 4096, 0x11, 0x200022, -1, 0));
        assertEquals("madvise(0x1000, 4096, 0x3e7 /* MADV_??? */)", call(SyscallTable.MADVISE, 0x1000, 4096, 999));
    }

    @Test
    void aFileMappingShowsTheFdPathLikeStraceY() {
        Captures c = CloneFlagsTest.captures(4, "/usr/lib/x86_64-linux-gnu/libc.so.6");
        assertEquals("mmap(NULL, 1974096, PROT_READ, MAP_PRIVATE|MAP_DENYWRITE, 3</usr/lib/x86_64-linux-gnu/libc.so.6>, 0)",
                SyscallDecoder.call(SyscallTable.MMAP, new long[] {0, 1974096, 1, 0x802, 3, 0}, c, 32));
    }

    @Test
    void munmapMprotectMremapMadvise() {
        assertEquals("munmap(0x7f7ec4611000, 4096)", call(SyscallTable.MUNMAP, 0x7f7ec4611000L, 4096));
        assertEquals("mprotect(0x7f7ec4613000, 4096, PROT_READ)", call(SyscallTable.MPROTECT, 0x7f7ec4613000L, 4096, 1));
        assertEquals("mremap(0x7f7ec4612000, 16384, 32768, MREMAP_MAYMOVE)", call(SyscallTable.MREMAP, 0x7f7ec4612000L, 16384, 32768, 1, 0));
        assertEquals("mremap(0x1000, 4096, 8192, MREMAP_MAYMOVE|MREMAP_FIXED, 0x9000)", call(SyscallTable.MREMAP, 0x1000, 4096, 8192, 3, 0x9000));
        assertEquals("madvise(0x7f7ec4612000, 4096, MADV_DONTNEED)", call(SyscallTable.MADVISE, 0x7f7ec4612000L, 4096, 4));
        assertEquals("madvise(0x7f7ec4612000, 4096, MADV_HUGEPAGE)", call(SyscallTable.MADVISE, 0x7f7ec4612000L, 4096, 14));
    }

    @Test
    void returnValuesAndErrors() {
        assertEquals("0x7f7ec4612000", SyscallDecoder.result(SyscallTable.MMAP, 0x7f7ec4612000L, false, true));
        assertEquals("-1 EPERM (Operation not permitted)", SyscallDecoder.result(SyscallTable.MMAP, -1, true, true));
        assertEquals("-1 EAGAIN (Resource temporarily unavailable)", SyscallDecoder.result(SyscallTable.FUTEX, -11, true, true));
        assertEquals("-1 ETIMEDOUT (Connection timed out)", SyscallDecoder.result(SyscallTable.FUTEX, -110, true, true));
        assertEquals("-1 errno 4000 (Unknown error 4000)", SyscallDecoder.result(SyscallTable.FUTEX, -4000, true, true));
        assertEquals("1237", SyscallDecoder.result(SyscallTable.CLONE3, 1237, false, true));
        assertEquals("?", SyscallDecoder.result(SyscallTable.EXIT_GROUP, 0, false, false));
    }
}
