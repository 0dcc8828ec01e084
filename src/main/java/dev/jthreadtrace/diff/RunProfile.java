package dev.jthreadtrace.diff;

import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.decode.Signals;
import dev.jthreadtrace.model.Exit;
import dev.jthreadtrace.model.FoldedFigures;
import dev.jthreadtrace.model.GoRuntime;
import dev.jthreadtrace.model.ProcessInfo;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One run as {@code diff} compares it: its threads and the processes its tasks created by site
 * ({@link SiteKey}), the programs its processes exec'd and how often, and how many threads were the
 * JVM's own. A JVM's own threads (GC,
 * compiler, VM Thread: no Java thread on them) are counted apart and never compared: how many the
 * JVM starts varies with its ergonomics and its load, not with the program. So are a Go program's
 * runtime threads (its Ms: every thread of a process whose ELF file says Go that never had a name of
 * its own), which its scheduler starts as blocked syscalls and locked goroutines come and go; a thread
 * the program named is compared, and so are its processes and what they exec.
 *
 * @param model the run's model, for the whole-trace figures
 */
public record RunProfile(String name, TraceModel model, Map<SiteKey, SiteFigures> sites, Map<String, Integer> execs,
                         int jvmOwnThreads, int goRuntimeThreads) {
    /** HotSpot's VM thread: a process that has one is a JVM. */
    private static final String VM_THREAD = "VM Thread";

    public RunProfile {
        sites = Collections.unmodifiableMap(sites);
        execs = Collections.unmodifiableMap(execs);
    }

    /**
     * Whether the run's trace was cut short (no end record: the tool was SIGKILLed, the disk filled
     * up; {@code diff --allow-truncated}). Its duration is then unknown, and so is its time blocked
     * in futex waits: a call's record is written when it returns, the calls pending at the end only
     * at the end, so a thread blocked until the cut left no trace of its wait.
     */
    public boolean cut() {
        return !model.ended();
    }

    /** Tasks folded past --keep-ended: counted in {@link #tasks}, not in the sites (their records, names and settings were let go). */
    public long folded() {
        return model.folded().all().tasks();
    }

    /**
     * The folded tasks the sites would have counted (threads, not the JVM's or the Go runtime's, not
     * started for an attach); null when that is not known: a JVM's thread folded, and whether it was
     * the JVM's own or the program's is a Java fact, joined only at the end.
     */
    public Long foldedSiteThreads() {
        return model.folded().all().jvmTasks() > 0 ? null : model.folded().all().siteThreads();
    }

    /** The folded processes the sites would have counted: always known (a process is never the JVM's own). */
    public long foldedSiteProcesses() {
        return model.folded().all().siteProcesses();
    }

    /** Every task of the run, the kept ones and the folded. */
    public long tasks() {
        return model.threads().size() + folded();
    }

    /**
     * How the traced command ended, as the shell saw it: {@code exit 3}, {@code killed by SIGSEGV}
     * (core dumped or not: whether a core was written is no change of the program's);
     * {@code cut short} when the trace stops first; {@code not seen} (an attach, which detaches).
     */
    public String ending() {
        Exit exit = model.targetExit();
        if (exit instanceof Exit.Killed k) return "killed by " + Signals.name(k.signal());
        if (exit != null) return "exit " + exit.shellStatus();
        return cut() ? "cut short" : "not seen";
    }

    /**
     * The program the command line names: argv[0]'s file name. Not the whole line: a new version is
     * often another jar or another option, the same program.
     */
    public String program() {
        List<String> command = model.command();
        String first = command.isEmpty() ? "" : command.getFirst();
        return first.substring(first.lastIndexOf('/') + 1);
    }

    /** {@code name}: what to call the run in messages (its file). */
    public static RunProfile of(String name, TraceModel model) {
        Map<SiteKey, SiteFigures> sites = new LinkedHashMap<>();
        Map<String, Integer> execs = new TreeMap<>();
        Map<Integer, Boolean> jvm = new HashMap<>();
        for (ThreadInfo t : model.threads()) {
            if (t.java() != null) jvm.put(t.tgid(), true);
            if (t.nameHistory().contains(VM_THREAD)) jvm.putIfAbsent(t.tgid(), true);
        }
        int jvmOwn = 0, goRuntime = 0;
        for (ThreadInfo t : model.threads()) {
            // A process some task created, exec'd or not, is compared at its site as a thread is (the traced
            // command is compared as a whole); never the JVM's own nor the Go runtime's: runtimes make threads.
            if (FoldedFigures.createdProcess(t)) {
                add(sites, new SiteKey(program(model, t.tgid()), SiteKey.Kind.PROCESS, creatorAndName(model, t)), model, t);
                continue;
            }
            if (!t.isThread() || t.startedForAttach()) continue;
            if (jvm.getOrDefault(t.tgid(), false) && t.java() == null) {
                jvmOwn++;
                continue;
            }
            if (GoRuntime.owns(model.process(t.tgid()), model.thread(t.tgid()), t)) {
                goRuntime++;
                continue;
            }
            add(sites, keyOf(model, t), model, t);
        }
        for (ProcessInfo p : model.processes()) for (String path : p.exec()) execs.merge(path, 1, Integer::sum);
        return new RunProfile(name, model, sites, execs, jvmOwn, goRuntime);
    }

    private static void add(Map<SiteKey, SiteFigures> sites, SiteKey key, TraceModel model, ThreadInfo t) {
        sites.computeIfAbsent(key, k -> new SiteFigures()).add(t.name(), createdAt(t), t.start(), t.end(),
                model.futex().of(t).blockedNs(), t.allInheritedValues());
    }

    private static SiteKey keyOf(TraceModel model, ThreadInfo t) {
        String program = program(model, t.tgid());
        List<JavaRecord.Frame> stack = t.java() == null ? List.of() : t.java().stack();
        if (!stack.isEmpty()) {
            return new SiteKey(program, SiteKey.Kind.JAVA, stack.getFirst().className() + "." + stack.getFirst().method() + " "
                    + Folding.name(t.name()));
        }
        return new SiteKey(program, SiteKey.Kind.THREAD, creatorAndName(model, t));
    }

    /** {@code main → pool-#-thread-#}: the creator's name and the task's, numbers folded. */
    private static String creatorAndName(TraceModel model, ThreadInfo t) {
        ThreadInfo creator = model.creatorOf(t);
        String from = creator == null ? "(existed)" : Folding.name(creator.name());
        return from + " → " + Folding.name(t.name());
    }

    private static String createdAt(ThreadInfo t) {
        return t.java() == null ? null : t.java().createdAt();
    }

    /**
     * The basename of what the process exec'd last; for a process that exec'd nothing, its creator's
     * program: a forked child runs its parent's code, while its first name is the forking thread's
     * (a worker forked by thread {@code t1} of {@code server} is {@code server}'s, named {@code t1}).
     * Up to a process whose creator is not known (the command, one that ran before an attach, one
     * whose creator's process folded): the name it was seen with.
     */
    static String program(TraceModel model, int pid) {
        ProcessInfo p = model.process(pid);
        ThreadInfo leader = model.thread(pid);
        while (p != null && p.exec().isEmpty() && leader != null && leader.creatorInfo() != null) {
            int parent = leader.creatorInfo().tgid();
            ThreadInfo parentLeader = model.thread(parent);
            // A pid reused since (the latest task of that tid started after the child) is not the parent: stop. Each
            // step goes to a task started earlier, so the walk ends.
            if (model.process(parent) == null || parentLeader == null || parentLeader.start() >= leader.start()) break;
            p = model.process(parent);
            leader = parentLeader;
        }
        return GoRuntime.program(p, leader);
    }
}
