package dev.jthreadtrace.diff;

import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.decode.Signals;
import dev.jthreadtrace.model.Exit;
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
 * One run as {@code diff} compares it: its threads by site ({@link SiteKey}), the programs its
 * processes exec'd and how often, and how many threads were the JVM's own. A JVM's own threads (GC,
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
            if (!t.isThread() || t.startedForAttach()) continue;
            if (jvm.getOrDefault(t.tgid(), false) && t.java() == null) {
                jvmOwn++;
                continue;
            }
            if (GoRuntime.owns(model.process(t.tgid()), model.thread(t.tgid()), t)) {
                goRuntime++;
                continue;
            }
            SiteKey key = keyOf(model, t);
            sites.computeIfAbsent(key, k -> new SiteFigures()).add(t.name(), createdAt(t), t.start(), t.end(),
                    model.futex().of(t).blockedNs(), t.allInheritedValues());
        }
        for (ProcessInfo p : model.processes()) for (String path : p.exec()) execs.merge(path, 1, Integer::sum);
        return new RunProfile(name, model, sites, execs, jvmOwn, goRuntime);
    }

    private static SiteKey keyOf(TraceModel model, ThreadInfo t) {
        String program = program(model, t.tgid());
        List<JavaRecord.Frame> stack = t.java() == null ? List.of() : t.java().stack();
        if (!stack.isEmpty()) {
            return new SiteKey(program, true, stack.getFirst().className() + "." + stack.getFirst().method() + " " + Folding.name(t.name()));
        }
        ThreadInfo creator = model.creatorOf(t);
        String from = creator == null ? "(existed)" : Folding.name(creator.name());
        return new SiteKey(program, false, from + " → " + Folding.name(t.name()));
    }

    private static String createdAt(ThreadInfo t) {
        return t.java() == null ? null : t.java().createdAt();
    }

    /** The basename of what the process exec'd last (or of the command it was forked from). */
    static String program(TraceModel model, int pid) {
        return GoRuntime.program(model.process(pid), model.thread(pid));
    }
}
