package dev.jthreadtrace.render;

import dev.jthreadtrace.model.Exit;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kernel's tree, by PPid (what ps, pstree and /proc show), built once for the text report and
 * the HTML page: each task under its kernel parent, a thread under its process's parent. The roots
 * are parents the trace has no task for: the tool itself in a run, a shell or init after an attach,
 * init (or an untraced subreaper) for an orphan whose parent exited.
 */
record KernelForest(List<Integer> roots, Map<Integer, List<ThreadInfo>> byParent) {
    static KernelForest of(TraceModel model) {
        Map<Integer, List<ThreadInfo>> byParent = new LinkedHashMap<>();
        Set<Integer> roots = new LinkedHashSet<>();
        for (ThreadInfo t : model.threads()) {
            // A leader superseded by a thread's execve has no row of its own: that thread, now the
            // leader with the same tid, stands for the process (one process, as ps shows it).
            if (t.exit() instanceof Exit.ReplacedByExec r && r.leader()) continue;
            byParent.computeIfAbsent(t.osParent(), k -> new ArrayList<>()).add(t);
            if (model.thread(t.osParent()) == null) roots.add(t.osParent());
        }
        return new KernelForest(List.copyOf(roots), byParent);
    }

    /** The tasks whose kernel parent is {@code pid}, in creation order. */
    List<ThreadInfo> children(int pid) {
        return byParent.getOrDefault(pid, List.of());
    }
}
