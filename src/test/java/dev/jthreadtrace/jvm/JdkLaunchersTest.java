package dev.jthreadtrace.jvm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pieces that tell a JDK launcher and whether its JVM can take the agent: its ELF
 * dependencies, its runtime's release file, and its JVM's options read as its launcher and HotSpot read
 * them (archives, a system class loader, an agent already there).
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
    void aJdkLauncherOrAScriptMayStartAJvmBeforeTheLaunchAnotherProgramNot(@TempDir Path tmp) throws IOException {
        assertTrue(JdkLaunchers.mayStartJvm(HOME.resolve("bin/java")));
        assertTrue(JdkLaunchers.mayStartJvm(HOME.resolve("bin/javac")));
        assertTrue(!JdkLaunchers.mayStartJvm(Path.of("/bin/true")));
        assertTrue(JdkLaunchers.mayStartJvm(Files.writeString(tmp.resolve("mvn"), "#!/bin/sh\nexec java \"$@\"\n")));
        assertTrue(JdkLaunchers.mayStartJvm(tmp.resolve("missing")), "unreadable: may");
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

    /** Files under {@code tmp}, as a process with root {@code tmp} and working directory {@code tmp} sees them. */
    static FileText files(Path tmp) {
        return path -> FileText.read(tmp.resolve(path.startsWith("/") ? path.substring(1) : path));
    }

    private static JvmOptions options(boolean java, List<String> argv, Map<String, String> env, Path tmp) {
        return JvmOptions.of(java, argv, env::get, files(tmp));
    }

    @Test
    void archiveOptionsAreFoundWhereTheJvmReadsThem(@TempDir Path tmp) throws IOException {
        assertEquals("-XX:AOTCache=app.aot", options(true, List.of("java", "-XX:AOTCache=app.aot", "Main"), Map.of(), tmp).archive());
        assertEquals("-XX:AOTMode=on", options(true, List.of("java", "-XX:AOTMode=on", "-cp", "x"), Map.of(), tmp).archive());
        assertNull(options(true, List.of("java", "-XX:AOTMode=off", "-Xshare:auto", "Main"), Map.of(), tmp).archive());
        assertEquals("-XX:SharedArchiveFile=a.jsa", options(false, List.of("javac", "-J-XX:SharedArchiveFile=a.jsa"), Map.of(), tmp).archive());
        assertNull(options(false, List.of("javac", "-XX:AOTCache=x"), Map.of(), tmp).archive(), "a tool's own argument");
        Files.writeString(tmp.resolve("args.txt"), "-cp x\n  -XX:AOTCache=\"/c/app.aot\"\nMain\n");
        assertEquals("-XX:AOTCache=/c/app.aot", options(true, List.of("java", "@args.txt"), Map.of(), tmp).archive());
        assertEquals("-XX:+AutoCreateSharedArchive", options(true, List.of("java", "Main"),
                Map.of("JDK_JAVA_OPTIONS", "-Xmx1g -XX:+AutoCreateSharedArchive"), tmp).archive());
        assertEquals("-XX:AOTCache=t.aot", options(false, List.of("jshell"),
                Map.of("JDK_JAVA_OPTIONS", "-XX:AOTCache=ignored-by-tools", "JAVA_TOOL_OPTIONS", "-XX:AOTCache=t.aot"), tmp).archive());
        Files.writeString(tmp.resolve("vm.opts"), "-XX:ArchiveClassesAtExit=dyn.jsa");
        assertEquals("-XX:ArchiveClassesAtExit=dyn.jsa", options(true, List.of("java", "-XX:VMOptionsFile=/vm.opts", "Main"), Map.of(), tmp).archive());
        assertEquals("-Xshare:dump", options(true, List.of("java", "-Xshare:dump"), Map.of(), tmp).archive());
        assertEquals("-XX:DumpLoadedClassList=app.lst", options(true, List.of("java", "-Xshare:off", "-XX:DumpLoadedClassList=app.lst",
                "Main"), Map.of(), tmp).archive(), "a class list is written with -Xshare:off too");
        assertEquals("-XX:DumpLoadedClassList=t.lst", options(false, List.of("jar"), Map.of("JAVA_TOOL_OPTIONS",
                "-XX:DumpLoadedClassList=t.lst"), tmp).archive());
        assertNull(options(true, List.of("java", "-XX:DumpLoadedClassList=", "Main"), Map.of(), tmp).archive(), "an empty name writes none");
    }

    /** The review's bypasses: an argfile named in JDK_JAVA_OPTIONS, and a flags file. */
    @Test
    void archiveOptionsInAnArgfileOfTheVariableOrAFlagsFileAreFound(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("aot.args"), "-XX:AOTCache=app.aot -XX:AOTMode=on\n");
        assertEquals("-XX:AOTMode=on", options(true, List.of("java", "-cp", ".", "Hello"), Map.of("JDK_JAVA_OPTIONS", "@aot.args"), tmp).archive());
        Files.writeString(tmp.resolve("flags"), "# a comment\nAOTCache=app.aot\n  AOTMode=on\n");
        assertEquals("-XX:AOTMode=on", options(true, List.of("java", "-XX:Flags=flags", "-cp", ".", "Hello"), Map.of(), tmp).archive());
        Files.writeString(tmp.resolve("cache-only"), "AOTCache=app.aot\n");
        assertEquals("-XX:AOTCache=app.aot", options(true, List.of("java", "-XX:Flags=cache-only", "Hello"), Map.of(), tmp).archive());
        assertNull(options(true, List.of("java", "-XX:Flags=cache-only", "-XX:AOTMode=off", "Hello"), Map.of(), tmp).archive(),
                "the command line wins over the flags file");
        assertNotNull(options(true, List.of("java", "Hello"), Map.of("JAVA_TOOL_OPTIONS", "-XX:VMOptionsFile=vm"), tmp).unknown(),
                "an options file that is not there");
        Files.writeString(tmp.resolve("vm"), "-XX:Flags=flags");
        assertEquals("-XX:AOTMode=on", options(true, List.of("java", "Hello"), Map.of("JAVA_TOOL_OPTIONS", "-XX:VMOptionsFile=vm"), tmp).archive());
    }

    /** Arguments after the main class (or the jar, the module, -version) are the program's, never the JVM's. */
    @Test
    void theApplicationsArgumentsAreNotVmOptions(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("aot.args"), "-XX:AOTCache=app.aot -XX:AOTMode=on\n");
        assertNull(options(true, List.of("java", "-cp", ".", "Hello", "-XX:AOTCache=x"), Map.of(), tmp).archive());
        assertNull(options(true, List.of("java", "--disable-@files", "-cp", ".", "Hello", "@aot.args"), Map.of(), tmp).archive());
        assertNull(options(true, List.of("java", "-cp", ".", "Hello", "@aot.args"), Map.of(), tmp).archive(), "not expanded after the main class");
        assertNull(options(true, List.of("java", "-jar", "app.jar", "-XX:AOTMode=on"), Map.of(), tmp).archive());
        assertNull(options(true, List.of("java", "-m", "mod/Main", "-XX:AOTMode=on"), Map.of(), tmp).archive());
        assertNull(options(true, List.of("java", "--module=mod/Main", "-XX:AOTMode=on"), Map.of(), tmp).archive());
        assertNull(options(true, List.of("java", "-version", "-XX:AOTMode=on"), Map.of(), tmp).archive(), "the launcher stops at -version");
        assertNull(options(true, List.of("java", "Hello.java", "-XX:AOTMode=on"), Map.of(), tmp).archive(), "a source file");
        assertEquals("-XX:AOTMode=on", options(true, List.of("java", "-jar", "-XX:AOTMode=on", "app.jar"), Map.of(), tmp).archive(),
                "options go on after -jar until its file");
        assertEquals("-XX:AOTMode=on", options(true, List.of("java", "-cp", "x", "@aot.args", "Hello"), Map.of(), tmp).archive());
        assertNull(options(true, List.of("java", "@@aot.args"), Map.of(), tmp).archive(), "@@ is an escaped @, the main class");
    }

    /** -Djava.system.class.loader, wherever the JVM reads it; our own agent on a relaunched JVM's command line. */
    @Test
    void aSystemClassLoaderAndAnAgentAlreadyThereAreFound(@TempDir Path tmp) throws IOException {
        assertEquals("-Djava.system.class.loader=SysCL", options(true, List.of("java", "-Djava.system.class.loader=SysCL", "Hello"),
                Map.of(), tmp).systemClassLoader());
        for (String variable : List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS")) {
            assertEquals("-Djava.system.class.loader=SysCL", options(true, List.of("java", "Hello"),
                    Map.of(variable, "-Djava.system.class.loader=SysCL"), tmp).systemClassLoader(), variable);
        }
        Files.writeString(tmp.resolve("cl.args"), "-Djava.system.class.loader=SysCL");
        assertEquals("-Djava.system.class.loader=SysCL", options(true, List.of("java", "@cl.args", "Hello"), Map.of(), tmp).systemClassLoader());
        assertNull(options(true, List.of("java", "Hello", "-Djava.system.class.loader=SysCL"), Map.of(), tmp).systemClassLoader());
        String ours = "-javaagent:/tmp/jthreadtrace-1-2/jthreadtrace-agent.jar=/tmp/jthreadtrace-1-2";
        JvmOptions relaunched = options(true, List.of("java", ours, "-cp", ".", "Relaunch", "child"), Map.of(), tmp);
        assertTrue(relaunched.has(ours));
        assertEquals(ours, relaunched.jthreadtraceAgent());
        assertNull(options(true, List.of("java", "-javaagent:/opt/apm/agent.jar=x", "Hello"), Map.of(), tmp).jthreadtraceAgent());
        assertTrue(options(false, List.of("javac", "-J" + ours), Map.of(), tmp).has(ours));
    }

    /** What cannot be read, or what the launcher or the JVM refuses, leaves the options unknown. */
    @Test
    void unreadableOrRefusedOptionsAreUnknown(@TempDir Path tmp) throws IOException {
        assertTrue(options(true, List.of("java", "@missing.args", "Hello"), Map.of(), tmp).unknown().contains("@missing.args"));
        assertTrue(options(true, List.of("java", "-XX:Flags=missing", "Hello"), Map.of(), tmp).unknown().contains("-XX:Flags=missing"));
        assertTrue(options(true, List.of("java", "-XX:VMOptionsFile=missing", "Hello"), Map.of(), tmp).unknown().contains("missing"));
        assertNotNull(options(true, List.of("java", "Hello"), Map.of("JAVA_TOOL_OPTIONS", "-Dx='open"), tmp).unknown());
        assertNotNull(options(true, List.of("java", "Hello"), Map.of("JDK_JAVA_OPTIONS", "Main"), tmp).unknown(), "a main class there");
        assertNotNull(options(true, List.of("java", "Hello"), Map.of("JDK_JAVA_OPTIONS", "-jar x.jar"), tmp).unknown());
        Files.createDirectory(tmp.resolve("dir.args"));
        assertNotNull(options(true, List.of("java", "@dir.args", "Hello"), Map.of(), tmp).unknown(), "no regular file");
        assertNull(options(true, List.of("java", "--disable-@files", "@missing.args"), Map.of(), tmp).unknown(), "the main class");
    }

    /** args.c's own test cases for its argfile grammar. */
    @Test
    void argfilesAreSplitAsTheLauncherSplitsThem() {
        assertEquals(List.of("-version", "-cp", "c:\\java libs\\one.jar"),
                LauncherArguments.argFileTokens("-version -cp \"c:\\\\java libs\\\\one.jar\" \n"));
        assertEquals(List.of("com.foo.Panda", "Furious 5", "and", "Shi Fu", "escape\tprison"),
                LauncherArguments.argFileTokens("com.foo.Panda \"Furious 5\"\fand\t'Shi Fu' \"escape\tprison"));
        assertEquals(List.of("mix 'single quote' in double", "mix \"double quote\" in single", "partialquote methis"),
                LauncherArguments.argFileTokens("\"mix 'single quote' in double\" 'mix \"double quote\" in single' partial\"quote me\"this"));
        assertEquals(List.of("line", "one", "line #2", "line", "4"),
                LauncherArguments.argFileTokens("line one #comment\n'line #2' #rest are comment\r\n#comment on line 3\nline 4 #comment to eof"));
        assertEquals(List.of("This", "is", "an", "open quote ", "across", "line", ",", "note", "for", "WS."),
                LauncherArguments.argFileTokens("This is an \"open quote \n    across line\n\t, note for WS."));
        assertEquals(List.of("Try", "this \\\\ escape\n double quote \" in open quote"),
                LauncherArguments.argFileTokens("Try \"this \\\\\\\\ escape\\n double quote \\\" in open quote"));
        assertEquals(List.of("Open quote to ", "new", "line third\tand\ffourth"),
                LauncherArguments.argFileTokens("\"Open quote to \n  new \"line \\\n\r   third\\\n\r\\\tand\ffourth\""));
        assertEquals(List.of("c:\\partial quote\\lib"), LauncherArguments.argFileTokens("c:\\\"partial quote\"\\lib"));
    }

    @Test
    void aFlagsFileIsReadAsHotSpotReadsIt() {
        assertEquals(List.of("+UseSerialGC", "AOTCache=a b", "AOTMode=on"),
                JvmOptions.settings("# comment\n+UseSerialGC\nAOTCache='a b'\n\tAOTMode=on"));
    }
}
