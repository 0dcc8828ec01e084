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
 * a fork inherited is one futex in parent and child. Private ops (and shared ops on private memory:
 * the kernel keys those by mm and address, as a private word) stay {@code (tgid, address)}.
 *
 * <p>Known only from what the trace follows: the traced {@code mmap}, {@code munmap} and
 * {@code mremap} calls (recorded by the default set; not under {@code -e futex}), a fork's copy of
 * its parent's mappings, an exec's clean slate. An anonymous shared mapping is its own object
 * (inherited by fork): its key is the kernel's, {@link Key#known()}. A file mapping is an object of
 * its own too, each mmap of it one, inherited by fork: a file mapped twice (at two addresses, or in
 * two processes that each mapped it) is two, where the kernel keys one inode. Its path does not say
 * which file it is (a file removed or renamed and another made under the name: a wake on one was
 * credited to a waiter on the other), and the trace reads no inode; so a file mapping's key is not
 * {@link Key#known()}: a shared wake there may have reached a word of another view of the file
 * (model.LockOwnerRead), and no wake between two views is linked. A mapping the trace did not see
 * stays {@code (tgid, address)}, not known either.
 *
 * <p>A known object's key is a {@link FutexWord} whose tgid is negative ({@code -1 - object id}:
 * no process has such an id) and whose address is the offset in the object. At most
 * {@link #MAX_REGIONS} regions in all (ended processes' included: a fork storm copies its parent's
 * regions into every child) are kept; beyond, words are keyed {@code (tgid, address)}.
 */
final class SharedMappings {
    static final int MAX_REGIONS = 65_536;

    /** {@code [start, start + length)} maps object {@code id} from {@code offset}; {@code exact}: an anonymous one, the kernel's key. */
    private record Region(long start, long length, int id, long offset, boolean exact) {
        long end() {
            return start + length < start ? Long.MAX_VALUE : start + length;
        }
    }

    /** A word's futex key, and whether it is the kernel's (a known shared object) rather than {@code (tgid, address)}. */
    record Key(FutexWord word, boolean known) {}

    private final Map<Integer, TreeMap<Long, Region>> byProcess = new HashMap<>();
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
        return new Key(new FutexWord(-1 - r.id(), r.offset() + (uaddr - r.start())), r.exact());
    }

    void mmap(int tgid, TraceEvent.Syscall s) {
        if (!s.returned() || s.error()) return;
        long[] a = s.args();
        // MAP_FIXED replaces what was there; any new mapping covers only unmapped or replaced memory.
        remove(tgid, s.ret(), a[1]);
        long type = a[3] & MemoryFlags.MAP_TYPE;
        if (type != MemoryFlags.MAP_SHARED && type != MemoryFlags.MAP_SHARED_VALIDATE) return;
        boolean anonymous = (a[3] & MemoryFlags.MAP_ANONYMOUS) != 0;
        add(tgid, new Region(s.ret(), a[1], nextId++, anonymous ? 0 : a[5], anonymous));
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
        if (old != null) add(tgid, new Region(s.ret(), a[2], old.id(), old.offset(), old.exact()));
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
            if (Long.compareUnsigned(r.start(), address) < 0) regions.put(r.start(), new Region(r.start(), address - r.start(), r.id(), r.offset(), r.exact()));
            if (Long.compareUnsigned(r.end(), end) > 0) regions.put(end, new Region(end, r.end() - end, r.id(), r.offset() + (end - r.start()), r.exact()));
        }
        regionCount += regions.size() - kept;
        if (regions.isEmpty()) byProcess.remove(tgid);
    }
}
