package dev.jthreadtrace.session;

import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.sys.PathCalls;
import dev.jthreadtrace.sys.ProcStatus;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The set-user-ID, set-group-ID and file-capability programs the traced command exec'd, and the
 * note that says which of them ran without their privileges because they were traced.
 *
 * <p>The kernel raises no privilege at an exec that a tracer without CAP_SYS_PTRACE traces (it
 * withholds the new ids unless the process may set them itself, and the file's capabilities), nor
 * under no_new_privs, which the tool sets for its seccomp filter when it lacks CAP_SYS_ADMIN
 * (security/commoncap.c, {@code cap_bprm_creds_from_file}). Such a program then fails in its own
 * words ({@code sudo}, {@code ping}, {@code passwd}); this says why. A file on a nosuid mount, or
 * one whose owner is the caller already, raises nothing traced or not and is left out.
 */
final class PrivilegedExecs {
    /** Programs named one by one; past them, a count. */
    static final int MAX_NAMED = 16;
    private static final int CAP_SETUID = 7, CAP_SYS_PTRACE = 19;

    /** What an exec'd file would have raised untraced, and whether the process could set ids itself. */
    record Exec(int pid, String image, String kind, boolean idsOnly, boolean mayChangeIds) {}

    private final Map<String, Exec> byImage = new LinkedHashMap<>();
    private long more;

    /**
     * Reads the exec'd file: through /proc/PID/exe while the process still runs it (a rename or a mount
     * namespace does not matter), else by the absolute path named at the exec (a short program is often
     * gone by the time the consumer looks); the process's ids likewise, else the tool's own, which a
     * command has unless it changed them.
     */
    void look(TraceEvent.Exec e, boolean stillRuns) {
        // The command's own exec names its file as the gate resolved it; every later one as the kernel did.
        String image = e.image() != null ? e.image() : e.path();
        if (image == null || byImage.containsKey(image) || !stillRuns && !image.startsWith("/")) return;
        byte[] file = (stillRuns ? "/proc/" + e.tid() + "/exe" : image).getBytes(StandardCharsets.UTF_8);
        PathCalls.FileIds ids = PathCalls.fileIds(file);
        if (ids == null) return;
        ProcStatus status = stillRuns ? ProcStatus.of(e.tid()) : null;
        if (status == null) status = ProcStatus.self();
        int uid = firstId(status.text("Uid")), gid = firstId(status.text("Gid"));
        String kind = ids.setUid() && ids.uid() != uid ? "a set-user-ID program (owner uid " + ids.uid() + ")"
                : ids.setGid() && ids.gid() != gid ? "a set-group-ID program (group " + ids.gid() + ")"
                : uid != 0 && PathCalls.hasAttribute(file, "security.capability") ? "a program with file capabilities" : null;
        if (kind == null || PathCalls.onNosuidMount(file)) return;
        if (byImage.size() >= MAX_NAMED) {
            more++;
            return;
        }
        boolean idsOnly = kind.startsWith("a set-");
        byImage.put(image, new Exec(e.tid(), image, kind, idsOnly, (status.hex("CapEff", 0) & 1L << CAP_SETUID) != 0));
    }

    /**
     * The notes for the end of the trace: each program that ran without its privileges, and why.
     *
     * @param noNewPrivs the tool set no_new_privs for its seccomp filter
     */
    List<String> notes(boolean noNewPrivs) {
        boolean tracerMayPtrace = (ProcStatus.self().hex("CapEff", 0) & 1L << CAP_SYS_PTRACE) != 0;
        List<String> notes = new ArrayList<>();
        for (Exec x : byImage.values()) {
            boolean withheld = !tracerMayPtrace && !(x.idsOnly() && x.mayChangeIds());
            if (!noNewPrivs && !withheld) continue;
            notes.add(x.pid() + " ran " + x.image() + ", " + x.kind() + ", without its privileges: " + (withheld
                    ? "the kernel raises none at an exec traced by a tracer without CAP_SYS_PTRACE (as under strace); run jthreadtrace as root to trace it with them"
                    : "no_new_privs, which jthreadtrace sets for its seccomp filter, withholds them; --no-seccomp traces it with them"));
        }
        if (more > 0 && !notes.isEmpty()) notes.add(more + " more execs of set-user-ID, set-group-ID or file-capability programs are not named here");
        return notes;
    }

    /** The real id, the first of a status line's four ("1000 1000 1000 1000"); -1 when unreadable. */
    private static int firstId(String ids) {
        try {
            return Integer.parseInt(ids.split("\\s+")[0]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
