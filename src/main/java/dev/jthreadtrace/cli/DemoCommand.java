package dev.jthreadtrace.cli;

import dev.jthreadtrace.demo.DemoApp;
import picocli.CommandLine.Model.CommandSpec;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jthreadtrace demo [OPTIONS]}: traces the bundled {@link DemoApp}. */
final class DemoCommand implements Callable<Integer> {
    /** What the demo shows live unless -e says otherwise: the story, not the JVM's start-up mmaps. */
    static final String DEMO_TRACE = "clone,clone3,prctl,sched_setaffinity,exit";

    final TraceOptions traceOptions = new TraceOptions();
    final OutputOptions outputOptions = new OutputOptions();
    final AssertOptions assertOptions = new AssertOptions();
    final CommandSpec spec = Specs.command("demo", this, false,
            "Traces a small Java program bundled with jthreadtrace.",
            "main creates inner-1; inner-1 pins itself to CPU 0, sets an inheritable thread-local and creates "
                    + "inner-2, which inherits both; they contend for a lock and inner-2 maps 32 MiB; inner-1 joins "
                    + "inner-2; then main creates sibling, which inherits neither. Live lines default to the thread "
                    + "and hook syscalls; every option of run applies.");

    DemoCommand() {
        traceOptions.addTo(spec, DEMO_TRACE, false);
        outputOptions.addTo(spec);
        assertOptions.addTo(spec, true);
        Specs.finish(spec, new String[] {"  jthreadtrace demo", "  jthreadtrace demo --report timeline",
                "  jthreadtrace demo -e all | grep -E '^ *[^ ]* \\[[0-9]+ inner-'"}, ExitCodes.HELP_0, ExitCodes.HELP_SIGNAL, ExitCodes.HELP_USAGE,
                ExitCodes.HELP_ASSERT, ExitCodes.HELP_TOOL);
    }

    @Override
    public Integer call() {
        return Runner.trace(spec, Inherited.launch(command()), traceOptions, outputOptions, assertOptions);
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
