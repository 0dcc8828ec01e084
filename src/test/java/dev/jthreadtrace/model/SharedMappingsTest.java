package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.FileId;
import dev.jthreadtrace.decode.FutexOps;
import dev.jthreadtrace.decode.MemoryFlags;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared futex words keyed as the kernel keys them: by the memory object a MAP_SHARED mapping maps, and the offset in it. */
class SharedMappingsTest {
    private static final int PARENT = 100, CHILD = 200;
    private static final long SHARED_OP = FutexOps.FUTEX_WAIT, PRIVATE_OP = FutexOps.FUTEX_WAIT | FutexOps.FUTEX_PRIVATE_FLAG;

    private static TraceEvent.Syscall mmap(long address, long length, long flags, long offset, String path) {
        return mmap(address, length, flags, offset, path, null);
    }

    /** {@code file}: the device and inode the tracer read for the descriptor (a shared mapping of a regular file), or null. */
    private static TraceEvent.Syscall mmap(long address, long length, long flags, long offset, String path, FileId file) {
        Captures c = new Captures();
        if (path != null) c.put(4, path.getBytes());
        if (file != null) c.put(Captures.EXTRA, file);
        return new TraceEvent.Syscall(0, 1, PARENT, SyscallTable.MMAP, new long[] {0, length, 3, flags, path == null ? -1 : 3, offset},
                address, false, true, c);
    }

    private static TraceEvent.Syscall munmap(long address, long length) {
        return new TraceEvent.Syscall(0, 1, PARENT, SyscallTable.MUNMAP, new long[] {address, length, 0, 0, 0, 0}, 0, false, true, new Captures());
    }

    @Test
    void anAnonymousSharedMappingInheritedOverForkIsOneFutexInBothProcesses() {
        SharedMappings m = new SharedMappings();
        m.mmap(PARENT, mmap(0x7f0000000000L, 8192, MemoryFlags.MAP_SHARED | MemoryFlags.MAP_ANONYMOUS, 0, null));
        m.forked(PARENT, CHILD);
        SharedMappings.Key p = m.key(PARENT, 0x7f0000001010L, SHARED_OP), c = m.key(CHILD, 0x7f0000001010L, SHARED_OP);
        assertTrue(p.known());
        assertEquals(p.word(), c.word());
        assertTrue(p.word().tgid() < 0, "no process's id");
        assertEquals(0x1010, p.word().uaddr(), "the offset in the object");
        // A private op is keyed by address space and address, whatever the memory (the kernel keys it by mm): a fork's is its own.
        assertNotEquals(m.key(PARENT, 0x7f0000001010L, PRIVATE_OP).word(), m.key(CHILD, 0x7f0000001010L, PRIVATE_OP).word());
        assertFalse(m.key(PARENT, 0x7f0000001010L, PRIVATE_OP).known());
    }

    @Test
    void aPrivateMappingOrMemoryNotSeenMappedStaysProcessAndAddress() {
        SharedMappings m = new SharedMappings();
        m.mmap(PARENT, mmap(0x7f0000000000L, 4096, MemoryFlags.MAP_PRIVATE | MemoryFlags.MAP_ANONYMOUS, 0, null));
        m.forked(PARENT, CHILD);
        assertFalse(m.key(PARENT, 0x7f0000000010L, SHARED_OP).known());
        assertEquals(PARENT, m.key(PARENT, 0x7f0000000010L, SHARED_OP).word().tgid());
        assertFalse(m.key(PARENT, 0x5555000010L, SHARED_OP).known());
    }

    /** What the tracer could not name (its statx failed, or no regular file: /dev/zero's view is a new object each time). */
    @Test
    void aFileViewWithoutItsInodeIsItsOwnInheritedByForkNeverMatchedByPath() {
        SharedMappings m = new SharedMappings();
        m.mmap(PARENT, mmap(0x7f0000000000L, 8192, MemoryFlags.MAP_SHARED, 0, "/dev/shm/seg"));
        m.forked(PARENT, CHILD);
        // The inherited view is the same object: one futex in parent and child, but not the kernel's key.
        assertEquals(m.key(PARENT, 0x7f0000001020L, SHARED_OP).word(), m.key(CHILD, 0x7f0000001020L, SHARED_OP).word());
        assertFalse(m.key(CHILD, 0x7f0000001020L, SHARED_OP).known());
        // Another mmap of the same path may be another file (removed and made again): never matched by its path.
        m.mmap(CHILD, mmap(0x7f1000000000L, 4096, MemoryFlags.MAP_SHARED, 4096, "/dev/shm/seg"));
        assertNotEquals(m.key(PARENT, 0x7f0000001020L, SHARED_OP).word(), m.key(CHILD, 0x7f1000000020L, SHARED_OP).word());
    }

    @Test
    void anUnmapSplitsAMappingAndAnExecClearsTheProcess() {
        SharedMappings m = new SharedMappings();
        m.mmap(PARENT, mmap(0x7f0000000000L, 3 * 4096, MemoryFlags.MAP_SHARED | MemoryFlags.MAP_ANONYMOUS, 0, null));
        SharedMappings.Key last = m.key(PARENT, 0x7f0000002008L, SHARED_OP);
        m.munmap(PARENT, munmap(0x7f0000001000L, 4096));
        assertTrue(m.key(PARENT, 0x7f0000000008L, SHARED_OP).known());
        assertFalse(m.key(PARENT, 0x7f0000001008L, SHARED_OP).known(), "unmapped");
        assertEquals(last.word(), m.key(PARENT, 0x7f0000002008L, SHARED_OP).word(), "the part after keeps its offset");
        m.execd(PARENT);
        assertFalse(m.key(PARENT, 0x7f0000000008L, SHARED_OP).known());
    }

    @Test
    void aForkStormKeepsAtMostMaxRegionsInAll() {
        SharedMappings m = new SharedMappings();
        m.mmap(PARENT, mmap(0x7f0000000000L, 4096, MemoryFlags.MAP_SHARED | MemoryFlags.MAP_ANONYMOUS, 0, null));
        m.mmap(PARENT, mmap(0x7f0000100000L, 4096, MemoryFlags.MAP_SHARED | MemoryFlags.MAP_ANONYMOUS, 0, null));
        int children = SharedMappings.MAX_REGIONS / 2 + 10;
        for (int child = 100_000; child < 100_000 + children; child++) m.forked(PARENT, child);
        assertTrue(m.key(100_000, 0x7f0000000008L, SHARED_OP).known(), "an early child has its parent's objects");
        assertFalse(m.key(100_000 + children - 1, 0x7f0000000008L, SHARED_OP).known(), "past the cap: (tgid, address)");
        // An exec frees its process's regions: a later fork is kept again.
        m.execd(100_000);
        m.forked(PARENT, 200_000);
        assertTrue(m.key(200_000, 0x7f0000100008L, SHARED_OP).known());
    }

    @Test
    void aCloneVmChildsPrivateWordsAndMappingsAreItsParentsUntilItExecs() {
        SharedMappings m = new SharedMappings();
        m.sharedBy(CHILD, PARENT);
        assertEquals(m.key(PARENT, 0x5555000010L, PRIVATE_OP).word(), m.key(CHILD, 0x5555000010L, PRIVATE_OP).word(), "one mm: one futex");
        // What either maps is the other's too (one address space).
        m.mmap(CHILD, mmap(0x7f0000000000L, 4096, MemoryFlags.MAP_SHARED | MemoryFlags.MAP_ANONYMOUS, 0, null));
        assertTrue(m.key(PARENT, 0x7f0000000010L, SHARED_OP).known());
        assertEquals(m.key(PARENT, 0x7f0000000010L, SHARED_OP).word(), m.key(CHILD, 0x7f0000000010L, SHARED_OP).word());
        // The child's exec gives it memory of its own; the parent's stays as it was.
        m.execd(CHILD);
        assertNotEquals(m.key(PARENT, 0x5555000010L, PRIVATE_OP).word(), m.key(CHILD, 0x5555000010L, PRIVATE_OP).word());
        assertFalse(m.key(CHILD, 0x7f0000000010L, SHARED_OP).known());
        assertTrue(m.key(PARENT, 0x7f0000000010L, SHARED_OP).known());
    }

    @Test
    void aProcessThatLeavesASpaceItsCloneVmChildStillRunsInGetsAnotherName() {
        SharedMappings m = new SharedMappings();
        m.mmap(PARENT, mmap(0x7f0000000000L, 4096, MemoryFlags.MAP_SHARED | MemoryFlags.MAP_ANONYMOUS, 0, null));
        m.sharedBy(CHILD, PARENT);
        // The parent execs while the child runs on in the old memory: the two are no longer one space.
        m.execd(PARENT);
        assertNotEquals(m.key(PARENT, 0x5555000010L, PRIVATE_OP).word(), m.key(CHILD, 0x5555000010L, PRIVATE_OP).word());
        assertTrue(m.key(CHILD, 0x7f0000000010L, SHARED_OP).known(), "the old memory's objects stay the child's");
        assertFalse(m.key(PARENT, 0x7f0000000010L, SHARED_OP).known());
        // A process that later gets the child's old parent's pid by a fork is not in that old space either.
        int reused = 300;
        m.sharedBy(400, reused);
        m.forked(PARENT, reused);
        assertNotEquals(m.key(reused, 0x5555000010L, PRIVATE_OP).word(), m.key(400, 0x5555000010L, PRIVATE_OP).word());
    }

    @Test
    void mappingsSeenAtAnAttachAreKeyedByTheirInodeInEveryProcess() {
        SharedMappings m = new SharedMappings();
        // One file mapped by each process itself, at two addresses and offsets: one object, the kernel's key.
        m.existing(PARENT, java.util.List.of(new TraceEvent.SharedMapping(0x7f0000000000L, 0x7f0000002000L, 0, 0x1a, 4242)));
        m.existing(CHILD, java.util.List.of(new TraceEvent.SharedMapping(0x7f1000000000L, 0x7f1000001000L, 0x1000, 0x1a, 4242),
                new TraceEvent.SharedMapping(0x7f2000000000L, 0x7f2000001000L, 0, 0x1a, 4343)));
        SharedMappings.Key p = m.key(PARENT, 0x7f0000001010L, SHARED_OP), c = m.key(CHILD, 0x7f1000000010L, SHARED_OP);
        assertTrue(p.known());
        assertEquals(p.word(), c.word());
        assertEquals(0x1010, p.word().uaddr(), "the offset in the file");
        assertNotEquals(p.word(), m.key(CHILD, 0x7f2000000010L, SHARED_OP).word(), "another inode, another object");
        // A view mapped after the attach, of the same file: the same object (its inode read at the mmap).
        m.mmap(CHILD, mmap(0x7f3000000000L, 4096, MemoryFlags.MAP_SHARED, 0x1000, "/dev/shm/seg", new FileId(0x1a, 4242)));
        assertEquals(p.word(), m.key(CHILD, 0x7f3000000010L, SHARED_OP).word());
        // One whose inode was not read is one of its own: not linked.
        m.mmap(CHILD, mmap(0x7f4000000000L, 4096, MemoryFlags.MAP_SHARED, 0, "/dev/shm/seg"));
        assertNotEquals(p.word(), m.key(CHILD, 0x7f4000000010L, SHARED_OP).word());
    }

    @Test
    void viewsOfOneFileMappedDuringTheTraceAreOneObjectByDeviceAndInode() {
        SharedMappings m = new SharedMappings();
        FileId seg = new FileId(0x1a, 4242);
        // Two processes (not a fork's copy: each its own mmap), at other addresses and offsets.
        m.mmap(PARENT, mmap(0x7f0000000000L, 8192, MemoryFlags.MAP_SHARED, 0, "/dev/shm/seg", seg));
        m.forked(PARENT, CHILD);
        m.mmap(CHILD, mmap(0x7f1000000000L, 4096, MemoryFlags.MAP_SHARED_VALIDATE, 4096, "/dev/shm/seg", seg));
        SharedMappings.Key p = m.key(PARENT, 0x7f0000001020L, SHARED_OP), c = m.key(CHILD, 0x7f1000000020L, SHARED_OP);
        assertTrue(p.known() && c.known(), "the kernel's key");
        assertEquals(p.word(), c.word());
        assertEquals(0x1020, p.word().uaddr(), "the offset in the file");
        // One process mapping it twice: the second view's word is the first's.
        m.mmap(PARENT, mmap(0x7f2000000000L, 8192, MemoryFlags.MAP_SHARED, 0, "/dev/shm/seg", seg));
        assertEquals(p.word(), m.key(PARENT, 0x7f2000001020L, SHARED_OP).word());
        // The same path made again is another inode, another object; another device with the inode too.
        m.mmap(CHILD, mmap(0x7f3000000000L, 8192, MemoryFlags.MAP_SHARED, 0, "/dev/shm/seg", new FileId(0x1a, 4343)));
        m.mmap(CHILD, mmap(0x7f4000000000L, 8192, MemoryFlags.MAP_SHARED, 0, "/dev/shm/seg", new FileId(0x1b, 4242)));
        assertNotEquals(p.word(), m.key(CHILD, 0x7f3000001020L, SHARED_OP).word());
        assertNotEquals(p.word(), m.key(CHILD, 0x7f4000001020L, SHARED_OP).word());
        // A private op there is still (space, address).
        assertFalse(m.key(PARENT, 0x7f0000001020L, PRIVATE_OP).known());
    }

    @Test
    void atMostMaxRegionsFilesAreNamedBeyondAViewIsItsOwn() {
        SharedMappings m = new SharedMappings();
        for (int i = 0; i < SharedMappings.MAX_REGIONS; i++) {
            m.mmap(PARENT, mmap(0x7f0000000000L, 4096, MemoryFlags.MAP_SHARED, 0, "/f", new FileId(1, i)));
            m.munmap(PARENT, munmap(0x7f0000000000L, 4096));
        }
        m.mmap(PARENT, mmap(0x7f0000000000L, 4096, MemoryFlags.MAP_SHARED, 0, "/f", new FileId(1, 4242)));
        assertTrue(m.key(PARENT, 0x7f0000000010L, SHARED_OP).known(), "a file already named");
        m.mmap(PARENT, mmap(0x7f1000000000L, 4096, MemoryFlags.MAP_SHARED, 0, "/f", new FileId(2, 1)));
        assertFalse(m.key(PARENT, 0x7f1000000010L, SHARED_OP).known(), "past the cap: a view of its own");
    }
}
