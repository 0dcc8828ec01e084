package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.FutexOps;
import dev.jthreadtrace.decode.FutexWord;
import dev.jthreadtrace.decode.MemoryFlags;
import dev.jthreadtrace.event.TraceEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which memory object each process's shared mappings map, so that a shared futex word is keyed as
 * the kernel keys it. A futex op without FUTEX_PRIVATE_FLAG on a MAP_SHARED mapping is keyed by the
 * backing object and the offset in it (get_futex_key: the inode or shmem object and the page
 * index), not by (process, address): a process-shared mutex in a MAP_SHARED|MAP_ANONYMOUS page that
 * a fork inherited is one futex in parent and child; a file mapped at two addresses, or in two
 * processes, is one futex at the same file offset. Private ops (and shared ops on private memory:
 * the kernel keys those by mm and address, as a private word) stay {@code (tgid, address)}.
 *
 * <p>Known only from what the trace follows: the traced {@code mmap}, {@code munmap} and
 * {@code mremap} calls (recorded by the default set; not under {@code -e futex}), a fork's copy of
 * its parent's mappings, an exec's clean slate. An anonymous shared mapping is its own object
 * (inherited by fork); a file mapping is its path's, at its file offset. A memfd, a deleted file
 * (their paths name no single object) or a mapping the trace did not see has no known object: a
 * word there stays {@code (tgid, address)} and is not {@link Key#known()}, so a shared wake
 * anywhere may still have reached it (model.LockOwnerRead).
 *
 * <p>A known object's key is a {@link FutexWord} whose tgid is negative ({@code -1 - object id}:
 * no process has such an id) and whose address is the offset in the object. At most
 * {@link #MAX_REGIONS} regions in all (ended processes' included: a fork storm copies its parent's
 * regions into every child) and {@link #MAX_FILES} file objects are kept; beyond, words are keyed
 * {@code (tgid, address)}.
 */
final class SharedMappings {
    static final int MAX_REGIONS = 65_536, MAX_FILES = 4096;

    /** {@code [start, start + length)} maps object {@code id} from {@code offset}. */
    private record Region(long start, long length, int id, long offset) {
        long end() {
            return start + length < start ? Long.MAX_VALUE : start + length;
        }
    }

    /** A word's futex key, and whether it is the kernel's (a known shared object) rather than {@code (tgid, address)}. */
    record Key(FutexWord word, boolean known) {}

    private final Map<Integer, TreeMap<Long, Region>> byProcess = new HashMap<>();
    private final Map<String, Integer> files = new HashMap<>();
    private int nextId;
    /** Regions kept, in all processes. */
    private int regionCount;

    /** The key of a futex op {@code op} of process {@code tgid} on {@code uaddr}. */
    Key key(int tgid, long uaddr, long op) {
        if ((op & FutexOps.FUTEX_PRIVATE_FLAG) != 0 || byProcess.isEmpty()) return new Key(new FutexWord(tgid, uaddr), false);
        TreeMap<Long, Region> regions = byProcess.get(tgid);
        var at = regions == null ? null : regions.floorEntry(uaddr);
        Region r = at == null ? null : at.getValue();
        if (r == null || Long.compareUnsigned(uaddr, r.end()) >= 0) return new Key(new FutexWord(tgid, uaddr), false);
        return new Key(new FutexWord(-1 - r.id(), r.offset() + (uaddr - r.start())), true);
    }

    void mmap(int tgid, TraceEvent.Syscall s) {
        if (!s.returned() || s.error()) return;
        long[] a = s.args();
        // MAP_FIXED replaces what was there; any new mapping covers only unmapped or replaced memory.
        remove(tgid, s.ret(), a[1]);
        long type = a[3] & MemoryFlags.MAP_TYPE;
        if (type != MemoryFlags.MAP_SHARED && type != MemoryFlags.MAP_SHARED_VALIDATE) return;
        Integer id;
        if ((a[3] & MemoryFlags.MAP_ANONYMOUS) != 0) id = nextId++;
        else id = fileObject(s.captures().string(4));
        if (id != null) add(tgid, new Region(s.ret(), a[1], id, (a[3] & MemoryFlags.MAP_ANONYMOUS) != 0 ? 0 : a[5]));
    }

    void munmap(int tgid, TraceEvent.Syscall s) {
        if (s.returned() && !s.error()) remove(tgid, s.args()[0], s.args()[1]);
    }

    /** mremap(old, old_size, new_size, flags, new): the object moves (or grows) with its mapping. */
    void mremap(int tgid, TraceEvent.Syscall s) {
        if (!s.returned() || s.error()) return;
        long[] a = s.args();
        TreeMap<Long, Region> regions = byProcess.get(tgid);
        Region old = regions == null ? null : regions.get(a[0]);
        boolean dontUnmap = (a[3] & 4) != 0;
        if (!dontUnmap) remove(tgid, a[0], a[1]);
        remove(tgid, s.ret(), a[2]);
        if (old != null) add(tgid, new Region(s.ret(), a[2], old.id(), old.offset()));
    }

    /** A fork (no CLONE_VM): the child maps the parent's shared objects at the same addresses. */
    void forked(int parent, int child) {
        forget(child);
        TreeMap<Long, Region> regions = byProcess.get(parent);
        if (regions == null || regions.isEmpty() || regionCount + regions.size() > MAX_REGIONS) return;
        byProcess.put(child, new TreeMap<>(regions));
        regionCount += regions.size();
    }

    /**
     * An exec (the process's memory is new), or a new process whose mappings the trace does not copy
     * (a CLONE_VM child): what was known under this tgid goes, so a process that reuses the pid never
     * inherits another's objects. (A process's end keeps them: the hang analysis keys its calls still
     * pending at the end, the killed ones among them, after the end.)
     */
    void forget(int tgid) {
        TreeMap<Long, Region> gone = byProcess.remove(tgid);
        if (gone != null) regionCount -= gone.size();
    }

    /** The object of a file's path; null for a path that names no single object (a memfd, a deleted file) or beyond the cap. */
    private Integer fileObject(String path) {
        if (path == null || !path.startsWith("/") || path.startsWith("/memfd:") || path.endsWith(" (deleted)")) return null;
        Integer id = files.get(path);
        if (id == null && files.size() < MAX_FILES) files.put(path, id = nextId++);
        return id;
    }

    private void add(int tgid, Region r) {
        if (regionCount >= MAX_REGIONS) return;
        if (byProcess.computeIfAbsent(tgid, k -> new TreeMap<>()).put(r.start(), r) == null) regionCount++;
    }

    /** Unmaps {@code [address, address + length)}: regions inside go, those across its ends keep their outer parts. */
    private void remove(int tgid, long address, long length) {
        TreeMap<Long, Region> regions = byProcess.get(tgid);
        if (regions == null || length == 0) return;
        long end = address + length < address || length < 0 ? Long.MAX_VALUE : address + length;
        int kept = regions.size();
        List<Region> touched = new ArrayList<>();
        var before = regions.lowerEntry(address);
        if (before != null && Long.compareUnsigned(before.getValue().end(), address) > 0) touched.add(before.getValue());
        touched.addAll(regions.subMap(address, true, end, false).values());
        for (Region r : touched) {
            regions.remove(r.start());
            if (Long.compareUnsigned(r.start(), address) < 0) regions.put(r.start(), new Region(r.start(), address - r.start(), r.id(), r.offset()));
            if (Long.compareUnsigned(r.end(), end) > 0) regions.put(end, new Region(end, r.end() - end, r.id(), r.offset() + (end - r.start())));
        }
        regionCount += regions.size() - kept;
        if (regions.isEmpty()) byProcess.remove(tgid);
    }
}
