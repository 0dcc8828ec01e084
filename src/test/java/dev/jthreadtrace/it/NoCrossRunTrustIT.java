package dev.jthreadtrace.it;

import dev.jthreadtrace.fixtures.NestedThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing a traced program writes decides what a later run executes. A traced program runs as
 * the same user as the tool and can write wherever the tool keeps anything: here a traced script
 * overwrites every class file in the user's cache directory (where the tool once kept transformed
 * classes between runs), deletes the digests that vouched for them, and plants a "transformed
 * java.lang.Thread" that is garbage in its own run's agent directory. A later run's JVM must start
 * and have its Java view: a JVM that defined the garbage would not start.
 */
@Timeout(180)
class NoCrossRunTrustIT {
    private static Tool.Result traceJvm(Map<String, String> env) {
        List<String> cmd = new ArrayList<>(List.of("run", "--no-live", "--report", "tree", "--"));
        cmd.addAll(JvmIT.java(NestedThreads.class.getName()));
        return Tool.run(Tool.jar(cmd.toArray(String[]::new)), env);
    }

    private static void assertJavaView(Tool.Result r) {
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("inner-2"), "the JVM ran and its Java names are there: " + r.out());
        assertFalse(r.err().contains("no Java view") || r.err().contains("wrote no records"), r.err());
    }

    /**
     * A traced program cannot load an agent into its tracer: it runs as the same user, and the JDK's
     * attach mechanism (a socket in /tmp, which a JVM started with -Xrs, as the launcher starts the
     * tool, opens at its start) would hand it the tool's JVM, an ancestor Yama's ptrace scope keeps
     * it from. Through the launcher, as a user runs it, the program looks for the tool's (its
     * parent's) socket and asks jcmd for its version; with the listener switched back on both are
     * there, so the test can tell.
     */
    @Test
    void aTracedProgramCannotAttachToItsTracer() {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        String script = "ls /tmp/.java_pid$PPID 2>/dev/null; \"$0\" -J-Dsun.tools.attach.attachTimeout=3000 $PPID VM.version;"
                + " echo \"jcmd exit $?\"";
        List<String> cmd = List.of(Tool.basedir().resolve("scripts/jthreadtrace").toString(), "run", "--no-live", "--report", "none",
                "--jvm", "off", "--", "/bin/sh", "-c", script, jcmd);
        Tool.Result refused = Tool.run(cmd);
        assertTrue(refused.out().contains("jcmd exit 1"), refused.out() + refused.err());
        assertFalse(refused.out().contains(".java_pid") || refused.out().contains("JDK " + Runtime.version().feature()), refused.out());

        Tool.Result answered = Tool.run(cmd, Map.of("JTHREADTRACE_JAVA_OPTS", "-XX:-DisableAttachMechanism"));
        assertTrue(answered.out().contains(".java_pid") && answered.out().contains("jcmd exit 0")
                && answered.out().contains("JDK " + Runtime.version().feature()), answered.out() + answered.err());
    }

    @Test
    void whatATracedProgramPlantsIsNeverRunByALaterRun(@TempDir Path tmp) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Map<String, String> env = Map.of("HOME", home.toString(), "XDG_CACHE_HOME", home.resolve(".cache").toString());
        assertJavaView(traceJvm(env));
        try (var kept = Files.walk(home)) {
            assertEquals(List.of(home), kept.toList(), "a run keeps nothing in the home directory (README: nothing under ~/.cache)");
        }

        String plant = """
                set -e
                for dir in "$XDG_CACHE_HOME/jthreadtrace" "$HOME/.cache/jthreadtrace"; do
                  mkdir -p "$dir"
                  for f in "$dir"/*.class; do [ -e "$f" ] && echo garbage > "$f"; done
                  rm -f "$dir"/digests-*
                  echo garbage > "$dir/java.lang.Thread.class"
                done
                # The run's directory is made at its first JVM: start one, then find it (the tool is our parent).
                "$0" -Xshare:auto -version >/dev/null 2>&1
                run=$(ls -d /tmp/jthreadtrace-$PPID-*)
                mkdir -p "$run/classes"
                echo garbage > "$run/classes/java.lang.Thread.class"
                echo garbage > "$run/classes/java.lang.Shutdown.class"
                echo planted
                """;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Tool.Result planted = Tool.run(Tool.jar("run", "--no-live", "--report", "none", "--", "/bin/sh", "-c", plant, java), env);
        assertEquals("planted\n", planted.out(), planted.err());

        assertJavaView(traceJvm(env));
        assertJavaView(traceJvm(env));
    }
}
