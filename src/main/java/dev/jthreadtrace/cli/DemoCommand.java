package dev.jthreadtrace.cli;

import dev.jthreadtrace.demo.DemoApp;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
                "Traces a small Java program bundled with jthreadtrace.",
                "main creates inner-1; inner-1 pins itself to CPU 0, sets an inheritable thread-local and creates "
                        + "inner-2, which inherits both; they contend for a lock and inner-2 maps 32 MiB; inner-1 joins "
                        + "inner-2; then main creates sibling, which inherits neither. Live lines default to the thread "
                        + "and hook syscalls; every option of run applies.",
        },
        footerHeading = "%nExamples:%n",
        footer = {"  jthreadtrace demo", "  jthreadtrace demo --report timeline", "  jthreadtrace demo -e all | grep inner-"},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {ExitCodes.HELP_0, ExitCodes.HELP_SIGNAL, ExitCodes.HELP_USAGE, ExitCodes.HELP_ASSERT,
                ExitCodes.HELP_TOOL})
final class DemoCommand implements Callable<Integer> {
    /** What the demo shows live unless -e says otherwise: the story, not the JVM's start-up mmaps. */
    static final String DEMO_TRACE = "clone,clone3,prctl,sched_setaffinity,exit";

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TraceOptions traceOptions;

    @Mixin
    OutputOptions outputOptions;

    @Mixin
    AssertOptions assertOptions;

    @Override
    public Integer call() {
        if (!spec.commandLine().getParseResult().hasMatchedOption("--trace")) traceOptions.trace = java.util.List.of(DEMO_TRACE);
        return Runner.trace(spec, command(), TargetEnvironment.of(System.getenv()), traceOptions, outputOptions, assertOptions);
    }

    /** The JDK running us, on the jar (or classes directory) we were loaded from. */
    static List<String> command() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String classpath;
        try {
            classpath = Path.of(DemoApp.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return List.of(java.toString(), "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", classpath, DemoApp.class.getName());
    }
}
