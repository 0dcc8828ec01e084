package dev.jthreadtrace.diff;

/**
 * Where threads and processes come from, in words that mean the same in two runs of the same
 * program (tids, addresses and hash suffixes differ every run): for a Java thread, the method whose
 * code started it (the first frame of its creation stack, without the line, which an unrelated edit
 * moves) and the shape of its name ({@code com.acme.App.main worker-#}: one method may start threads
 * of several kinds); for any other thread, and for a process (a fork, vfork or clone without
 * CLONE_THREAD, exec'd or not: a pre-fork server's workers never exec), its creator's name and its
 * own, numbers folded ({@code main → pool-#-thread-#}). The program is part of it: threads of a
 * forked {@code sh} are not the JVM's; so is the kind, so a process named like a thread of the same
 * creator is its own site.
 *
 * @param program the program the thread ran in (the basename of what its process exec'd)
 */
public record SiteKey(String program, Kind kind, String key) implements Comparable<SiteKey> {
    /** What a site makes, in the order sites are listed. */
    public enum Kind {
        /** Java threads, keyed by their creation site. */
        JAVA("java"),
        /** Threads of any other kind (native, or a JVM's without the Java view), keyed by creator and name. */
        THREAD("thread"),
        /** Processes, keyed by creator and name. */
        PROCESS("process");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        /** {@code java}, {@code thread} or {@code process}: the JSONL's {@code kind} of a site. */
        public String word() {
            return word;
        }
    }

    /** Whether {@code key} is a Java creation site. */
    public boolean java() {
        return kind == Kind.JAVA;
    }

    public boolean process() {
        return kind == Kind.PROCESS;
    }

    @Override
    public int compareTo(SiteKey o) {
        int c = program.compareTo(o.program);
        if (c != 0) return c;
        c = kind.compareTo(o.kind);
        return c != 0 ? c : key.compareTo(o.key);
    }
}
