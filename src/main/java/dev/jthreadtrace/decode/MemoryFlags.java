package dev.jthreadtrace.decode;

import dev.jthreadtrace.text.Escape;
/** {@code mmap}, {@code munmap}, {@code mprotect}, {@code mremap}, {@code madvise}: tables from {@code <asm-generic/mman*.h>}. */
public final class MemoryFlags {
    public static final long MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_SHARED_VALIDATE = 0x03, MAP_TYPE = 0x0f,
            MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_STACK = 0x20000, MAP_HUGE_SHIFT = 26, MAP_HUGE_MASK = 0x3f;

    public static final FlagTable PROT = FlagTable.of(0x1, "PROT_READ", 0x2, "PROT_WRITE", 0x4, "PROT_EXEC",
            0x8, "PROT_SEM", 0x01000000, "PROT_GROWSDOWN", 0x02000000, "PROT_GROWSUP");
    private static final ValueTable MAP_TYPES = ValueTable.of(MAP_SHARED, "MAP_SHARED", MAP_PRIVATE, "MAP_PRIVATE",
            MAP_SHARED_VALIDATE, "MAP_SHARED_VALIDATE", 0x0f, "MAP_DROPPABLE");
    public static final FlagTable MAP = FlagTable.of(MAP_FIXED, "MAP_FIXED", MAP_ANONYMOUS, "MAP_ANONYMOUS",
            0x40, "MAP_32BIT", 0x100, "MAP_GROWSDOWN", 0x800, "MAP_DENYWRITE", 0x1000, "MAP_EXECUTABLE",
            0x2000, "MAP_LOCKED", 0x4000, "MAP_NORESERVE", 0x8000, "MAP_POPULATE", 0x10000, "MAP_NONBLOCK",
            MAP_STACK, "MAP_STACK", 0x40000, "MAP_HUGETLB", 0x80000, "MAP_SYNC", 0x100000, "MAP_FIXED_NOREPLACE",
            0x4000000, "MAP_UNINITIALIZED");
    public static final FlagTable MREMAP = FlagTable.of(1, "MREMAP_MAYMOVE", 2, "MREMAP_FIXED", 4, "MREMAP_DONTUNMAP");
    public static final ValueTable MADVISE = ValueTable.of(0, "MADV_NORMAL", 1, "MADV_RANDOM", 2, "MADV_SEQUENTIAL",
            3, "MADV_WILLNEED", 4, "MADV_DONTNEED", 8, "MADV_FREE", 9, "MADV_REMOVE", 10, "MADV_DONTFORK",
            11, "MADV_DOFORK", 12, "MADV_MERGEABLE", 13, "MADV_UNMERGEABLE", 14, "MADV_HUGEPAGE",
            15, "MADV_NOHUGEPAGE", 16, "MADV_DONTDUMP", 17, "MADV_DODUMP", 18, "MADV_WIPEONFORK",
            19, "MADV_KEEPONFORK", 20, "MADV_COLD", 21, "MADV_PAGEOUT", 22, "MADV_POPULATE_READ",
            23, "MADV_POPULATE_WRITE", 24, "MADV_DONTNEED_LOCKED", 25, "MADV_COLLAPSE", 100, "MADV_HWPOISON",
            101, "MADV_SOFT_OFFLINE", 102, "MADV_GUARD_INSTALL", 103, "MADV_GUARD_REMOVE");

    private MemoryFlags() {}

    public static String prot(long prot) {
        return PROT.render(prot, "PROT_NONE");
    }

    /**
     * mmap flags: the mapping type, then flag names, unknown bits as hex, and a huge page size in
     * the top bits as {@code 21<<MAP_HUGE_SHIFT} (strace's format).
     */
    public static String mapFlags(long flags) {
        StringBuilder out = new StringBuilder(MAP_TYPES.render(flags & MAP_TYPE, "MAP_"));
        long huge = (flags >>> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;
        long rest = flags & ~MAP_TYPE;
        if ((flags & 0x40000) != 0) rest &= ~(MAP_HUGE_MASK << MAP_HUGE_SHIFT); // size only means something with HUGETLB
        else huge = 0;
        String names = MAP.render(rest, "");
        if (!names.isEmpty()) out.append('|').append(names);
        if (huge != 0) out.append('|').append(huge).append("<<MAP_HUGE_SHIFT");
        return out.toString();
    }

    /** {@code mmap(addr, length, prot, flags, fd, offset)}; a file fd is shown as {@code 3</path>} when known. */
    public static String renderMmap(long[] a, Captures captures) {
        String path = captures.string(4);
        String fd = Args.intArg(a[4]) + (path != null ? "<" + Escape.text(path) + ">" : "");
        return Args.pointer(a[0]) + ", " + Args.ulong(a[1]) + ", " + prot(a[2]) + ", " + mapFlags(a[3]) + ", " + fd
                + ", " + Args.hex(a[5]);
    }

    public static String renderMunmap(long[] a) {
        return Args.pointer(a[0]) + ", " + Args.ulong(a[1]);
    }

    public static String renderMprotect(long[] a) {
        return Args.pointer(a[0]) + ", " + Args.ulong(a[1]) + ", " + prot(a[2]);
    }

    /** {@code mremap(old, old_size, new_size, flags[, new_address])}. */
    public static String renderMremap(long[] a) {
        String s = Args.pointer(a[0]) + ", " + Args.ulong(a[1]) + ", " + Args.ulong(a[2]) + ", " + MREMAP.render(a[3], "0");
        return (a[3] & 2) != 0 ? s + ", " + Args.pointer(a[4]) : s;
    }

    public static String renderMadvise(long[] a) {
        return Args.pointer(a[0]) + ", " + Args.ulong(a[1]) + ", " + MADVISE.render((int) a[2], "MADV_");
    }
}
