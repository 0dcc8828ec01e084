package dev.jthreadtrace.jvm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pieces that tell a JDK launcher and whether its JVM can take the agent: its ELF
 * dependencies, its runtime's release file, and archive options wherever the JVM reads options.
 * (Whole decisions on real traced processes: JvmLaunchIT, TargetUntouchedIT.)
 */
class JdkLaunchersTest {
    private static final Path HOME = Path.of(System.getProperty("java.home"));

    @Test
    void aJdkLauncherNeedsLibjliAndOtherProgramsDoNot(@TempDir Path tmp) throws IOException {
        assertTrue(ElfDependencies.of(HOME.resolve("bin/java")).contains("libjli.so"), ElfDependencies.of(HOME.resolve("bin/java")).toString());
        assertTrue(ElfDependencies.of(HOME.resolve("bin/javac")).contains("libjli.so"));
        List<String> trueNeeds = ElfDependencies.of(Path.of("/bin/true"));
        assertTrue(trueNeeds.contains("libc.so.6") && !trueNeeds.contains("libjli.so"), trueNeeds.toString());
        Path script = Files.writeString(tmp.resolve("java"), "#!/bin/sh\nexec java \"$@\"\n");
        assertEquals(List.of(), ElfDependencies.of(script));
        assertEquals(List.of(), ElfDependencies.of(tmp.resolve("missing")));
        Path truncated = Files.write(tmp.resolve("truncated"), Arrays.copyOf(Files.readAllBytes(HOME.resolve("bin/java")), 100));
        assertEquals(List.of(), ElfDependencies.of(truncated));
    }

    @Test
    void theReleaseFileTellsTheVersionAndTheModules() {
        JdkRelease release = JdkRelease.read(HOME.resolve("release"));
        assertEquals(Runtime.version().feature(), release.feature());
        assertTrue(release.hasModule("java.instrument") && release.hasModule("java.base"));
        assertEquals(8, JdkRelease.parse("JAVA_VERSION=\"1.8.0_402\"\n").feature());
        JdkRelease jlinked = JdkRelease.parse("JAVA_VERSION=\"25.0.1\"\nMODULES=\"java.base java.logging\"\n");
        assertEquals(25, jlinked.feature());
        assertTrue(!jlinked.hasModule("java.instrument") && jlinked.hasModule("java.logging"));
        assertEquals(0, JdkRelease.parse("garbage").feature());
    }

    @Test
    void archiveOptionsAreFoundWhereTheJvmReadsThem(@TempDir Path tmp) throws IOException {
        ArchiveOptions.FileView files = path -> tmp.resolve(path.startsWith("/") ? path.substring(1) : path);
        assertEquals("-XX:AOTCache=app.aot", ArchiveOptions.find(true, List.of("java", "-XX:AOTCache=app.aot", "Main"),
                null, null, null, files));
        assertEquals("-XX:AOTMode=on", ArchiveOptions.find(true, List.of("java", "-XX:AOTMode=on", "-cp", "x"), null, null, null, files));
        assertNull(ArchiveOptions.find(true, List.of("java", "-XX:AOTMode=off", "-Xshare:auto", "Main"), null, null, null, files));
        assertEquals("-XX:SharedArchiveFile=a.jsa", ArchiveOptions.find(false, List.of("javac", "-J-XX:SharedArchiveFile=a.jsa"),
                null, null, null, files));
        assertNull(ArchiveOptions.find(false, List.of("javac", "-XX:AOTCache=x"), null, null, null, files), "a tool's own argument");
        Files.writeString(tmp.resolve("args.txt"), "-cp x\n  -XX:AOTCache=\"/c/app.aot\"\nMain\n");
        assertEquals("-XX:AOTCache=/c/app.aot", ArchiveOptions.find(true, List.of("java", "@args.txt"), null, null, null, files));
        assertEquals("-XX:+AutoCreateSharedArchive", ArchiveOptions.find(true, List.of("java", "Main"),
                "-Xmx1g -XX:+AutoCreateSharedArchive", null, null, files));
        assertEquals("-XX:AOTCache=t.aot", ArchiveOptions.find(false, List.of("jshell"), "-XX:AOTCache=ignored-by-tools",
                "-XX:AOTCache=t.aot", null, files));
        Files.writeString(tmp.resolve("vm.opts"), "-XX:ArchiveClassesAtExit=dyn.jsa");
        assertEquals("-XX:ArchiveClassesAtExit=dyn.jsa", ArchiveOptions.find(true, List.of("java", "-XX:VMOptionsFile=/vm.opts"),
                null, null, null, files));
    }
}
