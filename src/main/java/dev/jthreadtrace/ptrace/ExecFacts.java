package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.KernelBytes;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.sys.ProcStatus;

/**
 * What the kernel made of an exec, read at its stop (the new image has run no instruction yet): the
 * file it runs and the name it gave the process. The name is not always the path's base name: an exec
 * of a descriptor ({@code fexecve}, {@code execveat(fd, "", AT_EMPTY_PATH)}, runc's re-exec of itself
 * from a memfd) has the path "" and is named from the file ({@code memfd:NAME}, or the file's own
 * name on kernels since 6.14; {@code fd}'s number before), so the name is read, not derived.
 */
final class ExecFacts {
    private ExecFacts() {}

    /** The exec of task {@code tid} (its new tid), which passed {@code execPath} (null when it could not be read). */
    static TraceEvent.Exec read(long now, int tid, int formerTid, String execPath, TraceeMemory memory) {
        // The file the kernel exec'd, named now: a relative path names one only with the caller's working
        // directory, and by the time the consumer looks the process may be gone or have exec'd again.
        String image = memory.procLink(tid, "exe");
        // A caller that made itself non-dumpable had its path unreadable at the entry (no CAP_SYS_PTRACE):
        // the file the kernel exec'd names it then, not "?" (the exec makes the process dumpable again);
        // an exec of a descriptor passed "" (AT_EMPTY_PATH): the file is all there is to name.
        String path = execPath != null && !execPath.isEmpty() ? execPath : image;
        return new TraceEvent.Exec(now, tid, formerTid, path, null, image, comm(tid));
    }

    /** The command's own exec, by the start gate's {@code exec "$@"}: its path as the gate resolved it. */
    static TraceEvent.Exec command(long now, int pid, String path) {
        return new TraceEvent.Exec(now, pid, pid, path, null, null, comm(pid));
    }

    /** The name the exec gave task {@code tid}, every byte kept; null when it could not be read (gone). */
    private static String comm(int tid) {
        byte[] comm = ProcStatus.comm(tid);
        return comm == null ? null : KernelBytes.decode(comm);
    }
}
