package dev.jthreadtrace.diff;

/**
 * Where threads come from, in words that mean the same in two runs of the same program (tids,
 * addresses and hash suffixes differ every run): for a Java thread, the method whose code started
 * it (the first frame of its creation stack, without the line, which an unrelated edit moves) and
 * the shape of its name ({@code com.acme.App.main worker-#}: one method may start threads of
 * several kinds); for any other, its creator's name and its own, numbers folded
 * ({@code main → pool-#-thread-#}). The program is part of it: threads of a forked {@code sh} are
 * not the JVM's.
 *
 * @param program the program the thread ran in (the basename of what its process exec'd)
 * @param java    whether {@code key} is a Java creation site
 */
public record SiteKey(String program, boolean java, String key) implements Comparable<SiteKey> {
    @Override
    public int compareTo(SiteKey o) {
        int c = program.compareTo(o.program);
        if (c != 0) return c;
        c = Boolean.compare(!java, !o.java);
        return c != 0 ? c : key.compareTo(o.key);
    }
}
