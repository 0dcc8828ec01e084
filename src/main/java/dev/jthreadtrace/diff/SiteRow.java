package dev.jthreadtrace.diff;

/**
 * One site in either run: its figures in the base run and in the new one (null where it made no
 * thread).
 */
public record SiteRow(SiteKey key, SiteFigures base, SiteFigures now) {
    public boolean isNew() {
        return base == null;
    }

    public boolean vanished() {
        return now == null;
    }

    /**
     * {@code dev.acme.Cache.<init>(Cache.java:42)}, {@code main → pool-#-thread-#} or, for a site of
     * processes, {@code server → server (process)}, from the newer run that has it.
     */
    public String label() {
        SiteFigures any = now != null ? now : base;
        if (key.process()) return key.key() + " (process)";
        return key.java() && any.createdAt() != null ? any.createdAt() : key.key();
    }

    public int count(boolean newRun) {
        SiteFigures f = newRun ? now : base;
        return f == null ? 0 : f.count();
    }

    public int peak(boolean newRun) {
        SiteFigures f = newRun ? now : base;
        return f == null ? 0 : f.peak();
    }

    public long futexWaitNs(boolean newRun) {
        SiteFigures f = newRun ? now : base;
        return f == null ? 0 : f.futexWaitNs();
    }
}
