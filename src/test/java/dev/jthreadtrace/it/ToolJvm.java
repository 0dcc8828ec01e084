package dev.jthreadtrace.it;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The JVM options the tests start the packaged tool with: the ones the launchers start it with
 * (scripts/lib/launch.sh's launcher_jvm_flags, read from there, and C1 alone), from the same AOT
 * cache the checkout's launcher makes. A tool JVM started plainly took 1.9-2.3 s to trace
 * /bin/true on this 2-core machine, from the cache 0.8 s; the integration tests start it a few
 * hundred times. A cache the JVM finds unusable only costs that time again (it starts without
 * it, silently): it never changes what the tool does.
 */
final class ToolJvm {
    private static final Object LOCK = new Object();
    private static List<String> flags;

    private ToolJvm() {}

    /** The options for a tool started with {@code args} (its command decides which cache). */
    static List<String> options(Path jar, List<String> args) {
        List<String> options = new ArrayList<>(launcherFlags());
        options.add("-XX:TieredStopAtLevel=1");
        String kind = !args.isEmpty() && List.of("report", "check", "diff").contains(args.getFirst()) ? "read" : "trace";
        Path cache = cache(jar, kind);
        if (cache != null) options.addAll(List.of("-XX:AOTCache=" + cache, "-Xlog:aot=off", "-Xlog:cds=off"));
        return options;
    }

    private static List<String> launcherFlags() {
        synchronized (LOCK) {
            if (flags == null) {
                Path launch = Tool.basedir().resolve("scripts/lib/launch.sh");
                String out = output(List.of("/bin/bash", "-c", ". \"$1\" && launcher_jvm_flags && printf '%s\\n' \"${jvm_flags[@]}\"",
                        "bash", launch.toString()));
                if (out == null || !out.contains("--enable-native-access=ALL-UNNAMED")) {
                    throw new IllegalStateException("cannot read the launcher's JVM options from " + launch + ": " + out);
                }
                flags = List.of(out.strip().split("\n"));
            }
            return flags;
        }
    }

    /**
     * {@code target/jthreadtrace-KIND.aot}, made as the launcher makes it when it is missing or
     * older than the jar (the same key file, so the launcher takes it as its own); null when the
     * training run failed. Test JVMs that run side by side make it once, under a file lock.
     */
    private static Path cache(Path jar, String kind) {
        synchronized (LOCK) {
            return cacheLocked(jar, kind);
        }
    }

    private static Path cacheLocked(Path jar, String kind) {
        Path aot = jar.resolveSibling("jthreadtrace-" + kind + ".aot");
        try (FileChannel lockFile = FileChannel.open(jar.resolveSibling("jthreadtrace-" + kind + ".aot.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockFile.lock()) {
            if (Files.isRegularFile(aot) && Files.getLastModifiedTime(aot).compareTo(Files.getLastModifiedTime(jar)) >= 0) return aot;
            Path tmp = aot.resolveSibling(aot.getFileName() + ".tmp");
            List<String> train = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            train.addAll(launcherFlags());
            train.addAll(List.of("-XX:AOTCacheOutput=" + tmp, "-jar", jar.toString(), "--aot-training", kind));
            if (output(train) == null || !Files.isRegularFile(tmp)) return null;
            Files.move(tmp, aot, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(aot.resolveSibling(aot.getFileName() + ".key"), System.getProperty("java.home") + " " + jar + "\n");
            Files.deleteIfExists(tmp.resolveSibling(tmp.getFileName() + ".config"));
            return aot;
        } catch (IOException e) {
            return null;
        }
    }

    /** What {@code command} printed, with the environment a launcher gives the tool; null when it failed. */
    private static String output(List<String> command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().keySet().retainAll(List.of("PATH", "LANG", "TERM"));
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, java.nio.charset.StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
