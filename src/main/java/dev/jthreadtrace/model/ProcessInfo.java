package dev.jthreadtrace.model;

import java.util.ArrayList;
import java.util.List;

/** A thread group: its leader pid, who created it, the programs it exec'd, how it ended. */
public final class ProcessInfo {
    public final int pid;
    public final Integer creator;
    public final int parentPid;
    public final List<String> exec = new ArrayList<>();
    public Exit exit;

    ProcessInfo(int pid, Integer creator, int parentPid) {
        this.pid = pid;
        this.creator = creator;
        this.parentPid = parentPid;
    }
}
