package dev.jthreadtrace.diff;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What changed between two runs of the same program: every site of either run side by side
 * ({@link SiteRow}), and the changes ({@link Change}) among them and among the programs exec'd.
 *
 * @param rows    the new run's sites in its order, then those only the base run had
 * @param changes the runs' own (another command, another ending) first, then in the rows' order, then the execs'
 */
public record RunDiff(RunProfile base, RunProfile now, List<SiteRow> rows, List<Change> changes) {
    public RunDiff {
        rows = List.copyOf(rows);
        changes = List.copyOf(changes);
    }

    public static RunDiff of(RunProfile base, RunProfile now) {
        Set<SiteKey> keys = new LinkedHashSet<>(now.sites().keySet());
        keys.addAll(base.sites().keySet());
        List<SiteRow> rows = new ArrayList<>();
        List<Change> changes = new ArrayList<>();
        if (!base.program().equals(now.program())) {
            changes.add(new Change.CommandChanged(base.model().command(), now.model().command()));
        }
        if (!base.ending().equals(now.ending())) changes.add(new Change.EndChanged(base.ending(), now.ending()));
        // A run that folded counts its kept threads per site, not all it made: no count is compared then.
        boolean countsKnown = base.folded() == 0 && now.folded() == 0;
        for (SiteKey key : keys) {
            SiteRow row = new SiteRow(key, base.sites().get(key), now.sites().get(key));
            rows.add(row);
            changes.addAll(changes(row, countsKnown));
        }
        Set<String> programs = new TreeSet<>(now.execs().keySet());
        programs.addAll(base.execs().keySet());
        for (String path : programs) {
            int before = base.execs().getOrDefault(path, 0), after = now.execs().getOrDefault(path, 0);
            if (before != after) changes.add(new Change.ExecChanged(path, before, after));
        }
        return new RunDiff(base, now, rows, changes);
    }

    private static List<Change> changes(SiteRow row, boolean countsKnown) {
        if (row.isNew()) return List.of(new Change.NewSite(row));
        if (row.vanished()) return List.of(new Change.VanishedSite(row));
        List<Change> out = new ArrayList<>();
        if (countsKnown && row.base().count() != row.now().count()) out.add(new Change.CountChanged(row, row.base().count(), row.now().count()));
        Set<String> hooks = new LinkedHashSet<>(row.now().inherited().keySet());
        hooks.addAll(row.base().inherited().keySet());
        for (String hook : hooks) {
            Set<String> before = row.base().inherited().getOrDefault(hook, Set.of());
            Set<String> after = row.now().inherited().getOrDefault(hook, Set.of());
            if (!before.equals(after)) out.add(new Change.SettingChanged(row, hook, before, after));
        }
        return out;
    }

    /** How many changes of a kind. */
    public long count(Class<? extends Change> kind) {
        return changes.stream().filter(kind::isInstance).count();
    }

    /** Programs exec'd in the new run and never in the base one. */
    public long newExecs() {
        return changes.stream().filter(c -> c instanceof Change.ExecChanged e && e.base() == 0).count();
    }

    /**
     * One line saying the runs are not the same program's alike (another command, another ending),
     * or null when they are: the numbers of such a diff compare unlike things.
     */
    public String unlike() {
        List<String> what = new ArrayList<>();
        for (Change c : changes) {
            if (c instanceof Change.EndChanged e) what.add("the new run ended " + e.now() + " (the base: " + e.base() + ")");
            if (c instanceof Change.CommandChanged) what.add("it traced another program than the base");
        }
        return what.isEmpty() ? null : String.join("; ", what);
    }

    /** The settings changed at each site, for a line per site. */
    public Map<SiteRow, List<Change.SettingChanged>> settingChangesBySite() {
        Map<SiteRow, List<Change.SettingChanged>> out = new LinkedHashMap<>();
        for (Change c : changes) if (c instanceof Change.SettingChanged s) out.computeIfAbsent(s.row(), k -> new ArrayList<>()).add(s);
        return out;
    }
}
