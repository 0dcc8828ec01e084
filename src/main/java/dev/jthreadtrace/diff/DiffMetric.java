package dev.jthreadtrace.diff;

import dev.jthreadtrace.model.Measure;
import dev.jthreadtrace.model.Metric;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * The metrics of what changed between two runs ({@code jthreadtrace diff --assert}), one row each:
 * the changes by kind, and the new run's figures minus the base run's, over every site or over the
 * sites a selector picks ({@code diff.threads{created_at="com.acme.*"}.count <= 2}: at most two more
 * threads from that code).
 */
public enum DiffMetric implements Measure {
    CHANGES("diff.changes", "changes of every kind: the command and its ending, new and vanished sites, thread and process counts, "
            + "inherited settings, execs",
            d -> d.changes().size(), null),
    COMMAND_CHANGED("diff.command_changed", "1 when the new run traced another program (argv[0]'s file name) "
            + "than the base, else 0",
            d -> d.count(Change.CommandChanged.class), null),
    END_CHANGED("diff.end_changed", "1 when the new run's command ended otherwise than the base's (another exit status, "
            + "killed by a signal, cut short), else 0", d -> d.count(Change.EndChanged.class), null),
    NEW_SITES("diff.new_sites", "sites where the new run created threads or processes and the base run none",
            d -> d.count(Change.NewSite.class), null),
    VANISHED_SITES("diff.vanished_sites", "sites where the base run created threads or processes and the new run none",
            d -> d.count(Change.VanishedSite.class), null),
    COUNT_CHANGES("diff.count_changes", "sites of both runs that created a different number of threads or processes",
            d -> d.count(Change.CountChanged.class), null),
    INHERITED_CHANGES("diff.inherited_changes", "settings whose values among a site's threads changed (ccl, itl:..., sigmask...)",
            d -> d.count(Change.SettingChanged.class), null),
    NEW_EXECS("diff.new_execs", "programs the new run exec'd and the base run did not", RunDiff::newExecs, null),
    THREADS_COUNT("diff.threads.count", Metric.Kind.COUNT, "threads created (a created process's first thread included, as "
            + "threads.total counts it), new run minus base run, at every site or at the sites whose threads' names "
            + "({name=\"glob\"}) or creation site ({created_at=\"glob\"}) match",
            d -> d.rows().stream().mapToLong(r -> r.count(true) - r.count(false)).sum()
                    + d.now().foldedSiteThreads() - d.base().foldedSiteThreads(),
            r -> r.count(true) - r.count(false), true, "name", "created_at") {
        /** Over every site the folded threads' count is kept (a fold counts what a site would): unknown only where that is not known. */
        @Override
        public String unknown(RunDiff diff) {
            List<String> runs = new ArrayList<>();
            for (RunProfile run : List.of(diff.base(), diff.now())) {
                long jvm = run.model().folded().all().jvmTasks();
                if (run.foldedSiteThreads() == null) runs.add(jvm + " JVM thread" + (jvm == 1 ? "" : "s") + " folded in " + run.name());
            }
            return runs.isEmpty() ? null : String.join(", ", runs) + " (whether each was the JVM's own or the program's is a Java"
                    + " fact, joined at the end)";
        }
    },
    PROCESSES_COUNT("diff.processes.count", Metric.Kind.COUNT, "processes created (fork, vfork, clone without CLONE_THREAD; "
            + "exec'd or not), new run minus base run, at every site or at the sites whose processes' names ({name=\"glob\"}) match",
            d -> d.rows().stream().filter(r -> r.key().process()).mapToLong(r -> r.count(true) - r.count(false)).sum()
                    + d.now().foldedSiteProcesses() - d.base().foldedSiteProcesses(),
            r -> r.key().process() ? r.count(true) - r.count(false) : 0, true, "name") {
        /** Over every site the folded processes' count is kept, and a process is never the JVM's own: always known. */
        @Override
        public String unknown(RunDiff diff) {
            return null;
        }
    },
    THREADS_PEAK("diff.threads.peak", Metric.Kind.COUNT, "most threads alive at once, new run minus base run (the whole trace's, "
            + "or the sum of the selected sites' peaks)", d -> d.now().model().peakLive() - d.base().model().peakLive(),
            r -> r.peak(true) - r.peak(false), false, "name", "created_at"),
    FUTEX_WAIT_TIME("diff.futex.wait.time", Metric.Kind.TIME, "time blocked in futex waits, new run minus base run (every thread's, "
            + "or the selected sites')", d -> Metric.FUTEX_WAIT_TIME.total(d.now().model()) - Metric.FUTEX_WAIT_TIME.total(d.base().model()),
            r -> r.futexWaitNs(true) - r.futexWaitNs(false), false, "name", "created_at") {
        @Override
        public String unknown(RunDiff diff) {
            String cut = timeOfCutRun(diff);
            return cut != null ? cut : folded(diff);
        }
    };

    private final String key;
    private final Metric.Kind kind;
    private final String description;
    private final ToLongFunction<RunDiff> whole;
    private final ToLongFunction<SiteRow> perSite;
    private final boolean countsSelection;
    private final Set<String> selectorKeys;

    DiffMetric(String key, String description, ToLongFunction<RunDiff> whole, ToLongFunction<SiteRow> perSite) {
        this(key, Metric.Kind.COUNT, description, whole, perSite, false);
    }

    DiffMetric(String key, Metric.Kind kind, String description, ToLongFunction<RunDiff> whole, ToLongFunction<SiteRow> perSite,
               boolean countsSelection, String... selectorKeys) {
        this.key = key;
        this.kind = kind;
        this.description = description;
        this.whole = whole;
        this.perSite = perSite;
        this.countsSelection = countsSelection;
        this.selectorKeys = Set.of(selectorKeys);
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public Metric.Kind kind() {
        return kind;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Set<String> selectorKeys() {
        return selectorKeys;
    }

    @Override
    public boolean countsSelection() {
        return countsSelection;
    }

    /**
     * Why this metric cannot be read from {@code diff}, or null when it can: a figure of a run cut
     * short that would be made of what is missing (a wait pending at the cut would count as 0 ns).
     */
    public String unknown(RunDiff diff) {
        return switch (this) {
            case NEW_EXECS -> execsLetGo(diff);
            // The runs' commands, endings and peaks are no site's: a fold changes none of them.
            case COMMAND_CHANGED, END_CHANGED, THREADS_PEAK -> null;
            default -> folded(diff);
        };
    }

    /** Why this metric cannot be read over the sites a selector picks, or null: a selector's sites are the kept threads' when a run folded. */
    public String unknownSelected(RunDiff diff) {
        String unknown = unknown(diff);
        return unknown != null ? unknown : folded(diff);
    }

    /**
     * Why the sites of {@code diff} cannot answer, or null: a run whose ended tasks folded past
     * --keep-ended has sites of its kept threads only (a folded task's name, creator's name, Java
     * site and settings were let go with its record), so every figure made of sites is unknown.
     */
    static String folded(RunDiff diff) {
        List<String> runs = new ArrayList<>();
        for (RunProfile run : List.of(diff.base(), diff.now())) {
            if (run.folded() > 0) runs.add(run.folded() + " thread" + (run.folded() == 1 ? "" : "s") + " folded in " + run.name());
        }
        return runs.isEmpty() ? null : String.join(", ", runs) + " (sites compare kept threads only)";
    }

    /** Why the programs exec'd cannot be compared: a run let go of folded processes' records (their exec chains). */
    private static String execsLetGo(RunDiff diff) {
        List<String> runs = new ArrayList<>();
        for (RunProfile run : List.of(diff.base(), diff.now())) {
            long n = run.model().folded().processesLetGo();
            if (n > 0) runs.add(n + " folded process" + (n == 1 ? "" : "es") + "' exec chains let go in " + run.name());
        }
        return runs.isEmpty() ? null : String.join(", ", runs);
    }

    private static String timeOfCutRun(RunDiff diff) {
        List<String> cut = new ArrayList<>();
        if (diff.base().cut()) cut.add(diff.base().name());
        if (diff.now().cut()) cut.add(diff.now().name());
        if (cut.isEmpty()) return null;
        return String.join(" and ", cut) + (cut.size() == 1 ? " has" : " have") + " no end record (cut short): a futex wait"
                + " pending at the cut left no record, so its time blocked is unknown";
    }

    /** The value over the whole diff. */
    public long total(RunDiff diff) {
        return whole.applyAsLong(diff);
    }

    /** The sum over some sites (a selector's). */
    public long sum(List<SiteRow> rows) {
        long sum = 0;
        for (SiteRow r : rows) sum += perSite.applyAsLong(r);
        return sum;
    }

    public static DiffMetric byKey(String key) {
        return Measure.byKey(values(), key);
    }

    public static List<String> keys() {
        return Measure.keys(values());
    }

    /** Every metric's whole-diff value, for the JSONL summary; null for one the diff cannot answer ({@link #unknown}). */
    public static Map<String, Long> summary(RunDiff diff) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (DiffMetric m : values()) out.put(m.key, m.unknown(diff) == null ? m.total(diff) : null);
        return out;
    }
}
