package dev.jthreadtrace.diff;

import java.util.List;
import java.util.Set;

/**
 * One thing that differs between the base run and the new one, of the kinds that do not vary from
 * run to run of the same program: sites that appear or vanish, how many threads a site made, what
 * its threads inherited, what was exec'd. A site of processes is one as a site of threads is. Peaks and futex wait times vary with the scheduler; they
 * are shown beside the sites and asserted with limits, never counted here.
 */
public sealed interface Change {
    /** Threads (or processes, at a process site) created where the base run created none. */
    record NewSite(SiteRow row) implements Change {}

    /** Threads (or processes) the base run created where the new one created none. */
    record VanishedSite(SiteRow row) implements Change {}

    record CountChanged(SiteRow row, int base, int now) implements Change {}

    /** The values a setting had among a site's threads ({@code ccl}, an {@code itl:...}, the signal mask...). */
    record SettingChanged(SiteRow row, String hook, Set<String> base, Set<String> now) implements Change {}

    /** The new run traced another program (argv[0]'s file name) than the base: its figures are another program's, not a regression. */
    record CommandChanged(List<String> base, List<String> now) implements Change {}

    /**
     * The new run's command ended otherwise than the base's ({@link RunProfile#ending}: another exit
     * status, a signal): a build that crashes before it starts its pools makes no new site.
     */
    record EndChanged(String base, String now) implements Change {}

    /** A program exec'd a different number of times (0 in one run: a new or vanished exec). */
    record ExecChanged(String path, int base, int now) implements Change {}
}
