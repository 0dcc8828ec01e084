package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.FileId;
import dev.jthreadtrace.decode.FutexOps;
import dev.jthreadtrace.decode.FutexWord;
import dev.jthreadtrace.decode.MemoryFlags;
import dev.jthreadtrace.event.TraceEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/**
 * Which memory object each process's shared mappings map, so that a shared futex word is keyed as
 * the kernel keys it. A futex op without FUTEX_PRIVATE_FLAG on a MAP_SHARED mapping is keyed by the
 * backing object and the offset in it (get_futex_key: the inode or shmem object and the page
 * index), not by (process, address): a process-shared mutex in a MAP_SHARED|MAP_ANONYMOUS page that
 * a fork inherited is one futex in parent and child. Private ops (and shared ops on private memory:
 * the kernel keys those by mm and address, as a private word) are keyed {@code (space, address)}: the
 * process's address space ({@link AddressSpaces}), which a CLONE_VM child that is not a thread (vfork,
 * posix_spawn) shares with its parent until it execs, so a private word is one futex in both.
 *
 * <p>Known only from what the trace follows: the traced {@code mmap}, {@code munmap} and
 * {@code mremap} calls (recorded by the default set; not under {@code -e futex}), a fork's copy of
 * its parent's mappings, an exec's clean slate. An anonymous shared mapping is its own object
 * (inherited by fork): its key is the kernel's, {@link Key#known()}. A file's shared mapping maps the
 * object the kernel mapped, which the tracer names by device and inode at the mmap's exit
 * ({@link FileId}, the /proc/PID/maps line of the returned address: a path does not say which file
 * it is, one removed and another made under its name): every view of one file, in one process or
 * several, a memfd's or a {@code shm_open} segment's alike, is one object, the kernel's key (a
 * MAP_SHARED view of {@code /dev/zero} is a new shmem object each time, there as in the kernel).
 * Where the tracer could not name it (the line was gone) the view is an object of its own, inherited by
 * fork, not {@link Key#known()}: a shared wake there may have reached a word of another view
 * (model.LockOwnerRead). A mapping the trace did not see stays {@code (space, address)}, not known
 * either. Regions are kept per address space: a CLONE_VM child's mmaps are its parent's. At an attach
 * the shared mappings made before it are read from /proc/PID/maps ({@link #existing}): those name
 * their object's device and inode too, so a view seen at the attach and one mapped later are one.
 *
 * <p>A known object's key is a {@link FutexWord} whose tgid is negative ({@code -1 - object id}:
 * no process has such an id) and whose address is the offset in the object. At most
 * {@link #MAX_REGIONS} files are named and {@link #MAX_REGIONS} regions kept, both counting what live
 * processes map: a file is forgotten when its last view in a live process goes (munmap, a mapping
 * over it, mremap, its process's exec or end), so a program that churns through files never uses the
 * table up (a hostile tester's: 66 000 files mapped, unmapped and deleted one after another, then one
 * file mapped twice: the wake through one view released the wait on the other, and no edge said so).
 * An ended process's regions stay, so its calls pending at its end are keyed as before, until a live
 * process needs the room (the longest-ended go first). A later view of a forgotten file is a new
 * object: a wait pending at an ended process's end is not matched with it. Past the caps a view is
 * keyed {@code (space, address)}, its sharing not linked, and {@link #note} says how many were.
 */
final class SharedMappings {
    static final int MAX_REGIONS = 65_536;

    /** {@code [start, start + length)} maps object {@code id} from {@code offset}; {@code exact}: the kernel's key (an anonymous one, a file named by device and inode). */
    private record Region(long start, long length, int id, long offset, boolean exact) {
        long end() {
            return start + length < start ? Long.MAX_VALUE : start + length;
        }
    }

    /** A memory object as /proc/PID/maps names it. */
    private record Inode(long device, long inode) {}

    /** A word's futex key, and whether it is the kernel's (a known shared object) rather than {@code (space, address)}. */
    record Key(FutexWord word, boolean known) {}

    /** Regions by address space ({@link AddressSpaces#of}). */
    private final Map<Integer, TreeMap<Long, Region>> bySpace = new HashMap<>();
    private final AddressSpaces spaces = new AddressSpaces();
    /** The objects named by device and inode (at an attach, at a traced mmap of a file), at most {@link #MAX_REGIONS}. */
    private final Map<Inode, Integer> byInode = new HashMap<>();
    /** Each named object's name and how many regions of live processes' spaces map it: it is forgotten at none. */
    private final Map<Integer, Named> named = new HashMap<>();
    /** The spaces no live process runs in any more, longest-ended first: their regions key their calls pending at the end. */
    private final Set<Integer> ended = new LinkedHashSet<>();
    private int nextId;
    /** Regions kept, in all processes (ended ones' included). */
    private int regionCount;
    /** Views past the caps: keyed {@code (space, address)}, not as the kernel keys them. */
    private long unlinked;

    /** A named object's device and inode, and its views in live processes. */
    private static final class Named {
        final Inode inode;
        int views;

        Named(Inode inode) {
            this.inode = inode;
        }
    }

    /** The key of a futex op {@code op} of process {@code tgid} on {@code uaddr}. */
    Key key(int tgid, long uaddr, long op) {
        int space = spaces.of(tgid);
        if ((op & FutexOps.FUTEX_PRIVATE_FLAG) != 0 || bySpace.isEmpty()) return new Key(new FutexWord(space, uaddr), false);
        TreeMap<Long, Region> regions = bySpace.get(space);
        var at = regions == null ? null : regions.floorEntry(uaddr);
        Region r = at == null ? null : at.getValue();
        if (r == null || Long.compareUnsigned(uaddr, r.end()) >= 0) return new Key(new FutexWord(space, uaddr), false);
        return new Key(new FutexWord(-1 - r.id(), r.offset() + (uaddr - r.start())), r.exact());
    }

    /** The address space process {@code tgid} runs in: a private word's futex is {@code (space, address)}. */
    int space(int tgid) {
        return spaces.of(tgid);
    }

    void mmap(int tgid, TraceEvent.Syscall s) {
        if (!s.returned() || s.error()) return;
        int space = spaces.of(tgid);
        long[] a = s.args();
        // MAP_FIXED replaces what was there; any new mapping covers only unmapped or replaced memory.
        remove(space, s.ret(), a[1]);
        long type = a[3] & MemoryFlags.MAP_TYPE;
        if (type != MemoryFlags.MAP_SHARED && type != MemoryFlags.MAP_SHARED_VALIDATE) return;
        if ((a[3] & MemoryFlags.MAP_ANONYMOUS) != 0) {
            if (!add(space, new Region(s.ret(), a[1], nextId++, 0, true))) unlinked++;
            return;
        }
        FileId file = s.captures().fileId(Captures.EXTRA);
        Integer object = file == null ? null : objectOf(file.device(), file.inode());
        if (!add(space, new Region(s.ret(), a[1], object == null ? nextId++ : object, a[5], object != null)) || file != null && object == null) {
            unlinked++;
        }
    }

    /**
     * The id of the object device:inode names, one for every view of it (a traced mmap's file, a
     * mapping seen at an attach); null beyond {@link #MAX_REGIONS} objects (the view is then one of its own).
     */
    private Integer objectOf(long device, long inode) {
        Inode key = new Inode(device, inode);
        Integer id = byInode.get(key);
        if (id == null && byInode.size() < MAX_REGIONS) {
            byInode.put(key, id = nextId++);
            named.put(id, new Named(key));
        }
        return id;
    }

    void munmap(int tgid, TraceEvent.Syscall s) {
        if (s.returned() && !s.error()) remove(spaces.of(tgid), s.args()[0], s.args()[1]);
    }

    /** mremap(old, old_size, new_size, flags, new): the object moves (or grows) with its mapping. */
    void mremap(int tgid, TraceEvent.Syscall s) {
        if (!s.returned() || s.error()) return;
        long[] a = s.args();
        int space = spaces.of(tgid);
        TreeMap<Long, Region> regions = bySpace.get(space);
        Region old = regions == null ? null : regions.get(a[0]);
        boolean dontUnmap = (a[3] & 4) != 0;
        if (old != null) viewed(old, 1); // held while it moves: a file's only view keeps its name
        if (!dontUnmap) remove(space, a[0], a[1]);
        remove(space, s.ret(), a[2]);
        if (old == null) return;
        if (!add(space, new Region(s.ret(), a[2], old.id(), old.offset(), old.exact()))) unlinked++;
        viewed(old, -1);
    }

    /**
     * The shared mappings process {@code tgid} had at an attach (/proc/PID/maps): each maps the object
     * its device and inode name, so its words are keyed by that object, the kernel's key, one in every
     * process and mapping that showed it (a file each process mapped itself, a MAP_SHARED|MAP_ANONYMOUS
     * page a fork inherited). A view mapped later, by a traced mmap, is an object of its own as before.
     */
    void existing(int tgid, List<TraceEvent.SharedMapping> mappings) {
        int space = spaces.of(tgid);
        for (TraceEvent.SharedMapping m : mappings) {
            Integer object = objectOf(m.device(), m.inode());
            remove(space, m.start(), m.end() - m.start());
            if (!add(space, new Region(m.start(), m.end() - m.start(), object == null ? nextId++ : object, m.offset(), object != null))
                    || object == null) {
                unlinked++;
            }
        }
    }

    /** A fork (no CLONE_VM): the child has a space of its own, which maps the parent's shared objects at the same addresses. */
    void forked(int parent, int child) {
        int space = spaces.own(child);
        forget(space);
        TreeMap<Long, Region> regions = bySpace.get(spaces.of(parent));
        if (regions == null || regions.isEmpty()) return;
        if (!room(regions.size())) {
            unlinked += regions.size();
            return;
        }
        bySpace.put(space, new TreeMap<>(regions));
        regionCount += regions.size();
        for (Region r : regions.values()) viewed(r, 1);
    }

    /** A CLONE_VM child process (vfork, posix_spawn): it runs in its creator's space, its words and mappings the creator's. */
    void sharedBy(int child, int creator) {
        spaces.shares(child, creator);
        if (spaces.of(child) != spaces.of(creator)) forget(spaces.of(child)); // beyond the cap: a space of its own, nothing known of it
    }

    /**
     * An exec: the process's memory is new. What was known of the space it leaves goes unless another
     * process still runs in it (its CLONE_VM child), so a process that reuses the pid never inherits
     * another's objects. (A process's end keeps them: the hang analysis keys its calls still pending
     * at the end, the killed ones among them, after the end.)
     */
    void execd(int tgid) {
        forget(spaces.own(tgid));
    }

    /**
     * Process {@code tgid} ended ({@code live}: whether a process still runs): when no live process
     * runs in its space any more (a CLONE_VM child may), its views no longer hold their files, and its
     * regions stay only for its calls pending at the end (until a live process needs their room).
     */
    void ended(int tgid, IntPredicate live) {
        int space = spaces.of(tgid);
        if (ended.contains(space) || spaces.anyIn(space, live)) return;
        TreeMap<Long, Region> regions = bySpace.get(space);
        if (regions != null) for (Region r : regions.values()) viewed(r, -1);
        ended.add(space);
    }

    /** A note for the user when views were past the caps (their sharing not linked), else null. */
    String note() {
        return unlinked == 0 ? null : unlinked + " shared mapping" + (unlinked == 1 ? " was" : "s were") + " past the "
                + MAX_REGIONS + " live files and mappings the tool names: futex waits and wakes through " + (unlinked == 1 ? "it" : "them")
                + " and another view of the same file are not linked";
    }

    private void forget(int space) {
        boolean wasEnded = ended.remove(space);
        TreeMap<Long, Region> gone = bySpace.remove(space);
        if (gone == null) return;
        regionCount -= gone.size();
        if (!wasEnded) for (Region r : gone.values()) viewed(r, -1);
    }

    /** Whether {@code regions} more fit, after the longest-ended processes' regions made room if needed. */
    private boolean room(int regions) {
        for (var it = ended.iterator(); regionCount + regions > MAX_REGIONS && it.hasNext(); ) {
            TreeMap<Long, Region> gone = bySpace.remove(it.next());
            it.remove();
            if (gone != null) regionCount -= gone.size();
        }
        return regionCount + regions <= MAX_REGIONS;
    }

    /** One view more ({@code delta} 1) or fewer (-1) of a named object in a live process's space: the object is forgotten at none. */
    private void viewed(Region r, int delta) {
        Named n = named.get(r.id());
        if (n == null) return;
        n.views += delta;
        if (n.views <= 0) {
            named.remove(r.id());
            byInode.remove(n.inode);
        }
    }

    /** Keeps {@code r} in {@code space}; false when there is no room (past the cap). */
    private boolean add(int space, Region r) {
        if (!room(1)) return false;
        put(bySpace.computeIfAbsent(space, k -> new TreeMap<>()), r);
        return true;
    }

    private void put(TreeMap<Long, Region> regions, Region r) {
        Region replaced = regions.put(r.start(), r);
        viewed(r, 1); // before the replaced view goes: a part of a file's only view keeps its name
        if (replaced == null) regionCount++;
        else viewed(replaced, -1);
    }

    private void take(TreeMap<Long, Region> regions, Region r) {
        regions.remove(r.start());
        regionCount--;
        viewed(r, -1);
    }

    /** Unmaps {@code [address, address + length)}: regions inside go, those across its ends keep their outer parts. */
    private void remove(int space, long address, long length) {
        TreeMap<Long, Region> regions = bySpace.get(space);
        if (regions == null || length == 0) return;
        long end = address + length < address || length < 0 ? Long.MAX_VALUE : address + length;
        List<Region> touched = new ArrayList<>();
        var before = regions.lowerEntry(address);
        if (before != null && Long.compareUnsigned(before.getValue().end(), address) > 0) touched.add(before.getValue());
        touched.addAll(regions.subMap(address, true, end, false).values());
        for (Region r : touched) {
            // The outer parts first: a file whose only view is cut keeps its name.
            if (Long.compareUnsigned(r.start(), address) < 0) put(regions, new Region(r.start(), address - r.start(), r.id(), r.offset(), r.exact()));
            if (Long.compareUnsigned(r.end(), end) > 0) put(regions, new Region(end, r.end() - end, r.id(), r.offset() + (end - r.start()), r.exact()));
            if (Long.compareUnsigned(r.start(), address) >= 0) take(regions, r);
        }
        if (regions.isEmpty()) bySpace.remove(space);
    }
}
