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

    private static TraceEvent.Syscall mremap(long old, long oldLength, long newLength, long address) {
        return new TraceEvent.Syscall(0, 1, PARENT, SyscallTable.MREMAP, new long[] {old, oldLength, newLength, 1, 0, 0}, address, false, true,
                new Captures());
    }

    private static final FileId SEG = new FileId(0x1a, 4242);

    private static void mapFile(SharedMappings m, int tgid, long address, FileId file) {
        m.mmap(tgid, mmap(address, 4096, MemoryFlags.MAP_SHARED, 0, "/dev/shm/seg", file));
    }

    private static boolean oneObject(SharedMappings m, int tgid1, long address1, int tgid2, long address2) {
        SharedMappings.Key a = m.key(tgid1, address1, SHARED_OP), b = m.key(tgid2, address2, SHARED_OP);
        return a.known() && b.known() && a.word().tgid() == b.word().tgid(); // one object id, at any offset
    }

    /**
     * A hostile tester's: 66 000 files each mapped, unmapped (closed, deleted) one after another, then
     * one file mapped twice. The files long gone held the table, so the two views were not one
     * object; a file is forgotten when its last view goes, so the cap bounds live files.
     */
    @Test
    void filesUnmappedAreForgottenSoChurningThroughFilesNeverFillsTheTable() {
        SharedMappings m = new SharedMappings();
        for (int i = 0; i < SharedMappings.MAX_REGIONS + 500; i++) {
            mapFile(m, PARENT, 0x7f0000000000L, new FileId(1, i));
            m.munmap(PARENT, munmap(0x7f0000000000L, 4096));
        }
        // A MAP_FIXED mapping over the only view lets its file go too.
        mapFile(m, PARENT, 0x7f0000000000L, new FileId(2, 1));
        m.mmap(PARENT, mmap(0x7f0000000000L, 4096, MemoryFlags.MAP_PRIVATE | MemoryFlags.MAP_ANONYMOUS | MemoryFlags.MAP_FIXED, 0, null));
        mapFile(m, PARENT, 0x7f1000000000L, SEG);
        mapFile(m, PARENT, 0x7f2000000000L, SEG);
        assertTrue(oneObject(m, PARENT, 0x7f1000000010L, PARENT, 0x7f2000000010L), "the two views of the last file are one object");
        assertEquals(null, m.note(), "nothing was past the cap");
    }

    /** A file whose only view moves (mremap) or is cut in two (munmap of its middle) keeps its name: a later view of it is the same object. */
    @Test
    void aFilesOnlyViewMovedOrCutKeepsItsName() {
        SharedMappings m = new SharedMappings();
        mapFile(m, PARENT, 0x7f0000000000L, SEG);
        m.mremap(PARENT, mremap(0x7f0000000000L, 4096, 3 * 4096, 0x7f5000000000L));
        mapFile(m, PARENT, 0x7f1000000000L, SEG);
        assertTrue(oneObject(m, PARENT, 0x7f5000000010L, PARENT, 0x7f1000000010L));
        m.munmap(PARENT, munmap(0x7f1000000000L, 4096));
        m.munmap(PARENT, munmap(0x7f5000001000L, 4096));
        mapFile(m, PARENT, 0x7f2000000000L, SEG);
        assertTrue(oneObject(m, PARENT, 0x7f5000002010L, PARENT, 0x7f2000000010L), "the part above the cut");
        assertTrue(oneObject(m, PARENT, 0x7f5000000010L, PARENT, 0x7f2000000010L), "the part below the cut");
    }

    /**
     * A process's end lets its views' files go (its regions stay: its calls pending at the end are
     * keyed by them), and its regions make room for live processes' when the cap is reached.
     */
    @Test
    void anEndedProcessKeepsItsKeysButNotItsFiles() {
        SharedMappings m = new SharedMappings();
        mapFile(m, CHILD, 0x7f0000000000L, SEG);
        mapFile(m, PARENT, 0x7f1000000000L, SEG);
        m.ended(CHILD, tgid -> tgid == PARENT);
        assertTrue(oneObject(m, CHILD, 0x7f0000000010L, PARENT, 0x7f1000000010L), "the parent's view still names the file");
        SharedMappings.Key childs = m.key(CHILD, 0x7f0000000010L, SHARED_OP);
        m.munmap(PARENT, munmap(0x7f1000000000L, 4096));
        mapFile(m, PARENT, 0x7f2000000000L, SEG);
        mapFile(m, PARENT, 0x7f3000000000L, SEG);
        assertTrue(oneObject(m, PARENT, 0x7f2000000010L, PARENT, 0x7f3000000010L));
        assertEquals(childs, m.key(CHILD, 0x7f0000000010L, SHARED_OP), "the ended process's words keep their key");
        assertNotEquals(childs.word(), m.key(PARENT, 0x7f2000000010L, SHARED_OP).word(), "the file was forgotten with its last live view");
    }

    /** Past the cap of live files and mappings a view is its own, and a note says how many were; an end makes room again. */
    @Test
    void pastTheCapOfLiveViewsSharingIsNotLinkedAndANoteSaysSo() {
        SharedMappings m = new SharedMappings();
        for (int i = 0; i < SharedMappings.MAX_REGIONS; i++) mapFile(m, CHILD, 0x7f0000000000L + i * 4096L, new FileId(1, i));
        mapFile(m, PARENT, 0x7f1000000000L, new FileId(1, 4242));
        assertFalse(m.key(PARENT, 0x7f1000000010L, SHARED_OP).known(), "past the cap: a view of its own");
        mapFile(m, PARENT, 0x7f2000000000L, SEG);
        assertFalse(oneObject(m, PARENT, 0x7f2000000010L, CHILD, 0x7f0000000010L));
        assertTrue(m.note().startsWith("2 shared mappings were past the 65536 "), m.note());
        m.ended(CHILD, tgid -> tgid == PARENT);
        mapFile(m, PARENT, 0x7f3000000000L, SEG);
        mapFile(m, PARENT, 0x7f4000000000L, SEG);
        assertTrue(oneObject(m, PARENT, 0x7f3000000010L, PARENT, 0x7f4000000010L), "the ended process's room is the live one's");
    }
}
